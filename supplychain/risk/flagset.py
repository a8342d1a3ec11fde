"""Every flag one evaluation raised, kept column by column.

A large chain raises half a million flags. As one object each they cost more to build, hash
and store than everything else in a run, so the flags are kept as parallel lists of plain
values (fingerprint, rule, supplier, severity, JSON texts) and a Finding is built only when
one is asked for. Fingerprints are kept as their 32-byte digests, half the memory of their
hex text, which is written out only when a row is stored or a fingerprint is asked for. Rules
that flag most suppliers return their findings as one Findings of plain rows, which is encoded
here without a Finding per flag; the others yield Findings, which are taken apart here. Either
way the JSON is what findings.to_json writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any, TypeVar, overload

from ..vocab import IloIndicator, Severity
from .findings import Finding, Findings, tail_json, to_json

_VALUES = {severity: severity.value for severity in Severity}  # .value is a slow property
_encode = to_json
T = TypeVar("T")


class FlagSet:
    """The flags of one evaluation in the order raised, each fingerprint once."""

    __slots__ = (
        "_keys",
        "rules",
        "indicators",
        "suppliers",
        "severities",
        "evidence",
        "params",
        "_meta",
        "_seen",
    )

    def __init__(self) -> None:
        self._keys: list[bytes] = []  # each flag's fingerprint as its sha256 digest
        self.rules: list[str] = []
        self.indicators: list[str] = []
        self.suppliers: list[int | None] = []
        self.severities: list[Severity] = []
        self.evidence: list[str] = []
        self.params: list[str] = []
        # Per flag: (ilo, guide); one shared tuple for every flag of a structural rule.
        self._meta: list[tuple[tuple[IloIndicator, ...], tuple[str, ...]]] = []
        self._seen: set[bytes] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, fingerprint: object) -> bool:
        """Whether a flag with this fingerprint (hex, as stored) is kept."""
        if type(fingerprint) is not str or len(fingerprint) != 64:
            return False
        try:
            return bytes.fromhex(fingerprint) in self._seen
        except ValueError:  # not hex: no fingerprint
            return False

    def __iter__(self) -> Iterator[Finding]:
        for i in range(len(self._keys)):
            yield self[i]

    @property
    def fingerprints(self) -> Fingerprints:
        """Each flag's fingerprint (hex, as stored), in the order raised."""
        return Fingerprints(self._keys)

    def __getitem__(self, i: int) -> Finding:
        ilo, guide = self._meta[i]
        return Finding(
            self.rules[i],
            self.suppliers[i],
            self.severities[i],
            None,
            None,
            self.indicators[i],
            ilo,
            guide,
            evidence_json=self.evidence[i],
            params_json=self.params[i],
        )

    def severity_pairs(self) -> Iterator[tuple[int | None, Severity]]:
        """(supplier id, severity) of every flag, as engine.exposure reads them."""
        return zip(self.suppliers, self.severities, strict=True)

    def ilo_of(self, i: int) -> tuple[IloIndicator, ...]:
        """The ILO indicators of the i-th flag."""
        return self._meta[i][0]

    def quoting_answers(self) -> Iterator[int]:
        """The positions of the flags whose evidence quotes a supplier's answers (evidence is
        one of path, answers or facts, see Finding: answers come first in their JSON)."""
        for i, evidence in enumerate(self.evidence):
            if evidence.startswith('{"answers":'):
                yield i

    def add(self, finding: Finding) -> None:
        """Keep one finding, unless a flag with its fingerprint is kept already."""
        key = bytes.fromhex(finding.fingerprint)
        if key in self._seen:
            return
        self._seen.add(key)
        self._keys.append(key)
        self.rules.append(finding.rule)
        self.indicators.append(finding.indicator)
        self.suppliers.append(finding.supplier_id)
        self.severities.append(finding.severity)
        self.evidence.append(finding.evidence_json)
        self.params.append(finding.params_json)
        self._meta.append((finding.ilo, finding.guide))

    def add_many(self, found: Findings) -> None:
        """Keep a rule's Findings; fingerprints and JSON are those each Finding would give.
        An Encoded value (shared by many flags, or path evidence) is taken as it is."""
        rule, default, meta = found.rule, found.severity, (found.ilo, found.guide)
        prefix, seen, sha256, encode = f"{rule}|{rule}|", self._seen, hashlib.sha256, _encode
        kept = self._keys, self.suppliers, self.severities, self.evidence, self.params
        add_key, add_supplier, add_severity = kept[0].append, kept[1].append, kept[2].append
        add_evidence, add_params = kept[3].append, kept[4].append
        before = len(self._keys)
        for supplier, value, params, level in found.rows:
            evidence = value if type(value) is str else encode(value)  # str: Encoded already
            key = sha256(f"{prefix}{supplier}|{evidence}".encode()).digest()
            if key in seen:
                continue
            seen.add(key)
            add_key(key)
            add_supplier(supplier)
            add_severity(level or default)
            add_evidence(evidence)
            add_params(params if type(params) is str else encode(params))
        added = len(self._keys) - before
        self.rules.extend(repeat(rule, added))
        self.indicators.extend(repeat(rule, added))
        self._meta.extend(repeat(meta, added))

    def settle(self, stored: Iterable[tuple[str, T]]) -> list[T]:
        """Once no flag is added any more: take the open flags stored already, as (fingerprint,
        id) pairs as they are read; return the ids of those this set does not raise (resolved)
        and leave the ones it does out of rows() (stored already).

        A flag stored already is told by dropping its digest from the set of those kept: no
        second set (or dict of every stored fingerprint) of half a million, but afterwards
        `in` answers for the flags not stored yet only."""
        seen, resolved = self._seen, []
        for fingerprint, flag_id in stored:
            try:
                key = bytes.fromhex(fingerprint)
            except ValueError:  # not hex: no flag of this set, as for `in`
                key = b""
            if key in seen:
                seen.discard(key)
            else:
                resolved.append(flag_id)
        return resolved

    def rows(
        self,
        organisation_id: int,
        run_id: int,
        skip: frozenset[str] | set[str] | dict[str, Any] = frozenset(),
    ) -> Iterator[tuple[Any, ...]]:
        """The flag table's rows (see services.FLAG_COLUMNS) of every flag not in skip (nor
        stored already, see settle)."""
        seen = self._seen
        tails: dict[int, str] = {}  # by the id of the shared (ilo, guide) tuple
        for digest, rule, indicator, supplier, severity, evidence, params, meta in zip(
            self._keys,
            self.rules,
            self.indicators,
            self.suppliers,
            self.severities,
            self.evidence,
            self.params,
            self._meta,
            strict=True,
        ):
            if digest not in seen:
                continue
            key = digest.hex()
            if key in skip:
                continue
            tail = tails.get(id(meta))
            if tail is None:
                tail = tails[id(meta)] = tail_json(*meta)
            data = f'{{"evidence":{evidence},"params":{params},{tail}}}'
            yield (organisation_id, key, rule, indicator, supplier, _VALUES[severity], data, run_id)


class Fingerprints(Sequence[str]):
    """A flag set's fingerprints as hex text, made from its digests as they are read."""

    __slots__ = ("_keys",)

    def __init__(self, keys: list[bytes]) -> None:
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return map(bytes.hex, self._keys)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [key.hex() for key in self._keys[i]]
        return self._keys[i].hex()
