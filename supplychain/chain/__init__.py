"""The supply-chain map: suppliers and the links between them."""
