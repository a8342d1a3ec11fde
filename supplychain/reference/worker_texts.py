"""What workers read, in their languages: one YAML file per language in data/workers/.

The leaflet for workers prints them; the workers' own pages are to reuse them, so that a new
language is a new file. Each file holds the same keys (see en.yaml): a headline, the signs of
exploitation in plain words, each tied here to the ILO indicators it speaks to, and for every
contact shown to workers (contacts.yaml, `workers: true`) its name and what it does.

Checked on load: unknown or missing keys are refused with the file and the key named, and every
language must describe every contact shown to workers and no other.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..vocab import IloIndicator

FOLDER = Path(__file__).resolve().parent.parent / "data" / "workers"
_LANG = re.compile(r"^[a-z]{2,3}$")

# The signs a worker may recognise, in the files' order, and the ILO indicators behind each.
SIGNS: dict[str, tuple[IloIndicator, ...]] = {
    "passport": (IloIndicator.RETENTION_OF_IDENTITY_DOCUMENTS,),
    "fees": (IloIndicator.DEBT_BONDAGE, IloIndicator.DECEPTION),
    "pay": (IloIndicator.WITHHOLDING_OF_WAGES, IloIndicator.EXCESSIVE_OVERTIME),
    "leave": (IloIndicator.RESTRICTION_OF_MOVEMENT, IloIndicator.ISOLATION),
    "threats": (
        IloIndicator.INTIMIDATION_AND_THREATS,
        IloIndicator.PHYSICAL_AND_SEXUAL_VIOLENCE,
    ),
}


class WorkerTextsError(Exception):
    """A workers' text file that cannot be used, with the file and the key named."""


class ContactText(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    does: str = Field(min_length=1)  # what the contact does, one line


class WorkerTexts(BaseModel):
    """One language's texts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    language: str = Field(min_length=1)  # the language's own name: "Latviešu", "Українська"
    headline: str = Field(min_length=1)
    intro: str = Field(min_length=1)
    danger: str = Field(min_length=1)  # the line for someone in danger now
    signs_title: str = Field(min_length=1)
    signs: dict[str, str]
    help_title: str = Field(min_length=1)
    contacts: dict[str, ContactText]
    footer: str = Field(min_length=1)
    checked: str = Field(min_length=1)  # "Numbers checked:", followed by the day

    @field_validator("signs")
    @classmethod
    def _every_sign(cls, signs: dict[str, str]) -> dict[str, str]:
        missing = [s for s in SIGNS if not signs.get(s, "").strip()]
        unknown = [s for s in signs if s not in SIGNS]
        if missing or unknown:
            raise ValueError(_difference("sign", missing, unknown))
        return {s: signs[s] for s in SIGNS}  # in SIGNS' order


def _difference(what: str, missing: list[str], unknown: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"no text for {what} {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown {what} {', '.join(unknown)}")
    return "; ".join(parts)


M = TypeVar("M", bound=BaseModel)


def load_checked(path: Path, model: type[M]) -> M:
    """One language file read as model; WorkerTextsError names the file (with its folder) and
    each key that is wrong. The workers' pages' texts (voice) are read this way too."""
    where = f"{path.parent.name}/{path.name}"
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise WorkerTextsError(f"{where}: not YAML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise WorkerTextsError(f"{where}: {problems}") from None


def load_language(path: Path) -> WorkerTexts:
    """One language file, checked."""
    return load_checked(path, WorkerTexts)


def load_texts(contact_ids: list[str], folder: Path = FOLDER) -> dict[str, WorkerTexts]:
    """Every language in folder, by code, checked against the ids of the contacts shown to
    workers: each language must describe each of them, and no other."""
    texts: dict[str, WorkerTexts] = {}
    for path in sorted(folder.glob("*.yaml")):
        if not _LANG.match(path.stem):
            raise WorkerTextsError(f"workers/{path.name}: name it by its language code (lv.yaml)")
        texts[path.stem] = load_language(path)
    if not texts:
        raise WorkerTextsError(f"{folder}: no language files")
    for lang, text in texts.items():
        missing = [c for c in contact_ids if c not in text.contacts]
        unknown = [c for c in text.contacts if c not in contact_ids]
        if missing or unknown:
            raise WorkerTextsError(
                f"workers/{lang}.yaml: contacts: {_difference('contact', missing, unknown)}"
                " (the contacts file marks who is shown to workers)"
            )
    return texts
