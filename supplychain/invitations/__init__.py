"""Sending questionnaires to suppliers: campaigns, links, mail, disclosures, evidence."""
