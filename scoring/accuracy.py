"""The screen's accuracy against the clinician's conclusion.

Pure arithmetic on counts that `storage` aggregates in SQL: per questionnaire version, a 2x2 of
the screen's tier (positive = the tiers named) against the clinician's latest conclusion, with
PPV, sensitivity, specificity and NPV, each with a Wilson 95% score interval (Wilson 1927;
Newcombe 1998, method 3). An interval wider than +/-20 points is "too few to tell", never a bare
number. Screenings a clinician has not concluded on ("not yet decided") are in no cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Z_95 = 1.959963984540054
"""The standard normal quantile for a two-sided 95% interval."""
TOO_WIDE = 0.20
"""An interval reaching more than 20 points from its estimate is too few to tell."""
MEETS = "meets_budapest_clinical"
DOES_NOT_MEET = "does_not_meet"
NOT_YET_DECIDED = "not_yet_decided"
REFERRAL = ("referral_suggested",)
REFERRAL_OR_REVIEW = ("referral_suggested", "clinician_review")
VERIFICATION_BIAS = (
    "Sensitivity, specificity and the other figures count only the patients a clinician examined, "
    "so they may differ for everyone screened (verification bias)."
)


@dataclass(frozen=True, slots=True)
class Proportion:
    """x of n, its estimate and Wilson 95% interval (None when n is 0)."""

    successes: int
    total: int
    low: float | None
    high: float | None

    @property
    def estimate(self) -> float | None:
        return self.successes / self.total if self.total else None

    @property
    def too_few_to_tell(self) -> bool:
        """No patients, or an interval reaching more than 20 points from the estimate."""
        estimate = self.estimate
        if estimate is None or self.low is None or self.high is None:
            return True
        return max(estimate - self.low, self.high - estimate) > TOO_WIDE

    def shown(self) -> str:
        """"83% (95% CI 70–91%; 40 of 48)", or "too few to tell (2 of 3)"."""
        if self.too_few_to_tell or self.low is None or self.high is None:
            return f"too few to tell ({self.successes} of {self.total})"
        return (f"{100 * self.successes / self.total:.0f}% (95% CI {100 * self.low:.0f}–{100 * self.high:.0f}%; "
                f"{self.successes} of {self.total})")

    def as_dict(self) -> dict[str, object]:
        return {"successes": self.successes, "total": self.total, "estimate": self.estimate,
                "low": self.low, "high": self.high, "too_few_to_tell": self.too_few_to_tell}


def wilson(successes: int, total: int, z: float = Z_95) -> Proportion:
    """The Wilson score interval (no continuity correction) for `successes` of `total`."""
    if total < 0 or not 0 <= successes <= total:
        raise ValueError(f"need 0 <= successes <= total, got {successes} of {total}")
    if total == 0:
        return Proportion(0, 0, None, None)
    p = successes / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z / (1 + z2 / total) * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return Proportion(successes, total, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True, slots=True)
class TwoByTwo:
    """Screen positive/negative against the clinician's conclusion (meets / does not)."""

    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def total(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def ppv(self) -> Proportion:
        return wilson(self.true_positive, self.true_positive + self.false_positive)

    @property
    def npv(self) -> Proportion:
        return wilson(self.true_negative, self.true_negative + self.false_negative)

    @property
    def sensitivity(self) -> Proportion:
        return wilson(self.true_positive, self.true_positive + self.false_negative)

    @property
    def specificity(self) -> Proportion:
        return wilson(self.true_negative, self.true_negative + self.false_positive)

    def as_dict(self) -> dict[str, object]:
        return {
            "true_positive": self.true_positive, "false_positive": self.false_positive,
            "false_negative": self.false_negative, "true_negative": self.true_negative,
            "ppv": self.ppv.as_dict(), "sensitivity": self.sensitivity.as_dict(),
            "specificity": self.specificity.as_dict(), "npv": self.npv.as_dict(),
        }


def two_by_two(counts: Mapping[tuple[str, str], int], positive_tiers: Iterable[str]) -> TwoByTwo:
    """The 2x2 from (tier, conclusion) -> count; undecided conclusions fall in no cell."""
    positive = set(positive_tiers)
    cells = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for (tier, conclusion), count in counts.items():
        if conclusion not in (MEETS, DOES_NOT_MEET):
            continue
        key = ("t" if (tier in positive) == (conclusion == MEETS) else "f") + ("p" if tier in positive else "n")
        cells[key] += count
    return TwoByTwo(cells["tp"], cells["fp"], cells["fn"], cells["tn"])


@dataclass(frozen=True, slots=True)
class RedFlagTally:
    """Among examined screenings: how often a red flag was raised, confirmed, a false alarm."""

    red_flag: str
    raised: int
    confirmed: int
    false_alarm: int

    @property
    def not_assessed(self) -> int:
        return self.raised - self.confirmed - self.false_alarm


@dataclass(frozen=True, slots=True)
class VersionAccuracy:
    """One questionnaire version's accuracy over the chosen dates."""

    questionnaire_version: str
    screenings: int
    examined: int
    not_yet_decided: int
    referral: TwoByTwo
    referral_or_review: TwoByTwo
    red_flags: tuple[RedFlagTally, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "questionnaire_version": self.questionnaire_version, "screenings": self.screenings,
            "examined": self.examined, "not_yet_decided": self.not_yet_decided,
            "referral_suggested": self.referral.as_dict(),
            "referral_or_clinician_review": self.referral_or_review.as_dict(),
            "red_flags": [{"red_flag": t.red_flag, "raised": t.raised, "confirmed": t.confirmed,
                           "false_alarm": t.false_alarm, "not_assessed": t.not_assessed} for t in self.red_flags],
        }


def version_accuracy(
    version: str, screenings: int, counts: Mapping[tuple[str, str], int],
    red_flags: Iterable[RedFlagTally] = (),
) -> VersionAccuracy:
    """Build one version's figures from the SQL aggregates (tier, conclusion) -> count."""
    examined = sum(counts.values())
    decided = sum(count for (_, conclusion), count in counts.items() if conclusion in (MEETS, DOES_NOT_MEET))
    return VersionAccuracy(
        questionnaire_version=version, screenings=screenings, examined=examined,
        not_yet_decided=examined - decided,
        referral=two_by_two(counts, REFERRAL), referral_or_review=two_by_two(counts, REFERRAL_OR_REVIEW),
        red_flags=tuple(sorted(red_flags, key=lambda tally: tally.red_flag)),
    )


def as_text(figures: Iterable[VersionAccuracy]) -> str:
    """The figures as plain text (the command line's table format), the bias sentence first."""
    lines = [VERIFICATION_BIAS]
    for version in figures:
        lines += ["", f"questionnaire version {version.questionnaire_version}: {version.screenings} screenings, "
                      f"{version.examined} examined, {version.not_yet_decided} not yet decided"]
        for title, table in (("referral suggested", version.referral),
                             ("referral suggested or clinician review", version.referral_or_review)):
            lines += [f"  screen positive = {title}: TP {table.true_positive}, FP {table.false_positive}, "
                      f"FN {table.false_negative}, TN {table.true_negative}",
                      f"    PPV          {table.ppv.shown()}", f"    sensitivity  {table.sensitivity.shown()}",
                      f"    specificity  {table.specificity.shown()}", f"    NPV          {table.npv.shown()}"]
        lines += [f"  red flag {t.red_flag}: raised {t.raised}, confirmed {t.confirmed}, false alarm {t.false_alarm}, "
                  f"not assessed {t.not_assessed}" for t in version.red_flags]
    return "\n".join(lines)
