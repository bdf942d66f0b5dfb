"""Findings → CallScore: pure functions, weights and targets from ``scoring.toml``."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from models import QUANTIFIED_IMPACT, CallScore, Component, Evidence, Flag, Mention, Question
from worker.analysis import ANALYSER_VERSION, Findings
from worker.errors import ConfigError

__all__ = ["FLAG_CODES", "load_scoring_config", "score_call"]

FLAG_CODES = (
    "no_questions",
    "few_probing_questions",
    "canned_pitch_heavy",
    "no_decision_maker_discussed",
    "no_impact_discussed",
    "no_follow_ups",
    "rep_dominates_talk",
    "long_monologue",
)
_MAX_EVIDENCE = 8


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and key in out else value
    return out


@lru_cache(maxsize=8)
def load_scoring_config(path: Path | None = None) -> dict[str, Any]:
    """The default scoring config, merged with the TOML file at ``path`` if given.

    Raises:
        ConfigError: the file is missing or not valid TOML, or weights do not sum to 100.
    """
    config = tomllib.loads(resources.files("worker").joinpath("scoring.toml").read_text())
    if path is not None:
        try:
            config = _merge(config, tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read scoring config ({exc})") from None
    total = sum(c["weight"] for c in config["components"].values())
    if abs(total - 100) > 1e-6:
        raise ConfigError(f"{path or 'scoring.toml'}: component weights sum to {total}, not 100")
    return config


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def _q_evidence(questions: Iterable[Question]) -> list[Evidence]:
    return [Evidence(utterance=q.utterance, speaker=q.speaker, start=q.start, end=q.end,
                     text=q.text) for q in list(questions)[:_MAX_EVIDENCE]]


def _m_evidence(mentions: Iterable[Mention]) -> list[Evidence]:
    return [Evidence(utterance=m.utterance, speaker=m.speaker, start=m.start, end=m.end,
                     text=m.text) for m in list(mentions)[:_MAX_EVIDENCE]]


def _component(name: str, cfg: dict[str, Any], value: float, fraction: float, target: str,
               explanation: str, evidence: list[Evidence] | None = None) -> Component:
    weight = float(cfg["components"][name]["weight"])
    return Component(name=name, value=round(value, 3), target=target,
                     points=round(weight * _clamp(fraction), 2), max_points=weight,
                     explanation=explanation, evidence=evidence or [])


def _minutes(f: Findings, cfg: dict[str, Any]) -> float:
    if f.talk.duration_seconds:
        return f.talk.duration_seconds / 60
    words = f.talk.rep_words + f.talk.prospect_words + f.talk.other_words
    return words / cfg["components"]["interactivity"]["words_per_minute"]


def _questions_in_utterances(questions: list[Question], utterances: set[int]) -> list[Question]:
    return [q for q in questions if q.utterance in utterances]


def score_call(f: Findings, *, config: dict[str, Any] | None = None,
               lexicon_version: str = "", scored_at: datetime | None = None) -> CallScore:
    """Score one analysed call: components, flags and evidence."""
    cfg = config or load_scoring_config()
    t = f.transcript
    rep_qs = [q for q in f.questions if q.role == "rep"]
    probing = [q for q in rep_qs if q.kind == "probing"]
    canned = [q for q in rep_qs if q.kind == "canned"]
    minutes = _minutes(f, cfg)
    comps: list[Component] = []

    # Probing questions: count against a target scaled to the call's length.
    c = cfg["components"]["probing_questions"]
    scale = min(1.0, minutes / c["reference_minutes"]) if minutes else 1.0
    lo = max(c["min_target"], round(c["target_min"] * scale))
    hi = max(lo, round(c["target_max"] * scale))
    rate = len(probing) / minutes * 10 if minutes else 0.0
    comps.append(_component(
        "probing_questions", cfg, len(probing), len(probing) / lo, f"{lo}-{hi} questions",
        f"{len(probing)} probing questions by the rep ({rate:.1f} per 10 minutes); "
        f"{sum(q.form == 'open' for q in probing)} of them open.", _q_evidence(probing)))

    # Canned share.
    c = cfg["components"]["canned_share"]
    share = len(canned) / len(rep_qs) if rep_qs else 0.0
    frac = (1 - (share - c["good"]) / (c["zero"] - c["good"])) if rep_qs else 0.0
    comps.append(_component(
        "canned_share", cfg, share, frac, f"at most {c['good']:.0%} of rep questions",
        f"{len(canned)} of {len(rep_qs)} rep questions are canned or leading."
        if rep_qs else "The rep asked no questions.", _q_evidence(canned)))

    # Decision-maker coverage.
    dm = [m for m in f.mentions if m.type == "decision_maker"]
    dm_utts = {m.utterance for m in dm}
    dm_asked = [q for q in _questions_in_utterances(rep_qs, dm_utts)
                if any(m.utterance == q.utterance and q.start <= m.start < q.end for m in dm)]
    frac = 1.0 if dm_asked else (0.5 if dm else 0.0)
    comps.append(_component(
        "decision_maker", cfg, frac, frac, "the rep asks who decides, signs and approves",
        ("The rep asked about the decision process." if dm_asked else
         "Decision-makers came up, but the rep never asked who decides." if dm else
         "Nobody talked about who decides, signs or approves."),
        _q_evidence(dm_asked) + _m_evidence(dm)))

    # Impact coverage.
    imp = [m for m in f.mentions if m.type == "impact"]
    prospect_imp = [m for m in imp if m.role == "prospect"]
    quantified = [m for m in prospect_imp if m.label.startswith(QUANTIFIED_IMPACT)]
    imp_utts = {m.utterance for m in imp}
    imp_asked = [q for q in _questions_in_utterances(rep_qs, imp_utts)
                 if any(m.utterance == q.utterance and q.start <= m.start < q.end for m in imp)]
    frac = 1.0 if quantified or (imp_asked and prospect_imp) else (0.5 if imp else 0.0)
    comps.append(_component(
        "impact", cfg, frac, frac, "the prospect puts numbers on the impact",
        (f"The prospect quantified the impact ({len(quantified)} figures)." if quantified else
         "The rep asked about impact and the prospect described it." if frac == 1 else
         "Impact came up but was never quantified by the prospect." if imp else
         "Nobody talked about money, time, risk or other impact."),
        _m_evidence(quantified or prospect_imp or imp) + _q_evidence(imp_asked)))

    # Follow-ups.
    c = cfg["components"]["follow_ups"]
    follow = [q for q in rep_qs if q.follow_up]
    need = max(c["min_count"], c["target_share"] * len(rep_qs))
    comps.append(_component(
        "follow_ups", cfg, len(follow), len(follow) / need,
        f"at least {c['target_share']:.0%} of rep questions (min {c['min_count']})",
        f"{len(follow)} of {len(rep_qs)} rep questions build on what the prospect just said.",
        _q_evidence(follow)))

    # Talk share.
    c = cfg["components"]["talk_share"]
    s = f.talk.rep_talk_share
    if s > c["best_high"]:
        frac = 1 - (s - c["best_high"]) / (c["zero"] - c["best_high"])
    elif s < c["best_low"]:
        frac = s / c["best_low"]
    else:
        frac = 1.0
    comps.append(_component(
        "talk_share", cfg, s, frac, f"rep talks {c['best_low']:.0%}-{c['best_high']:.0%}",
        f"The rep spoke {s:.0%} of the words ({f.talk.rep_words} of "
        f"{f.talk.rep_words + f.talk.prospect_words + f.talk.other_words})."))

    # Longest monologue.
    c = cfg["components"]["monologue"]
    lw = f.talk.longest_rep_monologue_words
    frac = 1 - (lw - c["good_words"]) / (c["zero_words"] - c["good_words"])
    mono_ev = []
    if f.talk.longest_monologue_utterance is not None:
        u = t.utterances[f.talk.longest_monologue_utterance]
        mono_ev = [Evidence(utterance=f.talk.longest_monologue_utterance, speaker=u.speaker,
                            start=0, end=min(len(u.text), 200), text=u.text[:200])]
    secs = f.talk.longest_rep_monologue_seconds
    comps.append(_component(
        "monologue", cfg, lw, frac, f"at most {c['good_words']} words (~1 minute)",
        f"The rep's longest monologue ran {lw} words"
        + (f" ({secs:.0f} s)." if secs is not None else "."), mono_ev))

    # Interactivity.
    c = cfg["components"]["interactivity"]
    per_min = f.talk.speaker_switches / minutes if minutes else 0.0
    comps.append(_component(
        "interactivity", cfg, per_min, per_min / c["target_per_minute"],
        f"at least {c['target_per_minute']:g} speaker switches per minute",
        f"{f.talk.speaker_switches} speaker switches, {per_min:.1f} per minute."))

    # Spread of probing questions through the call.
    c = cfg["components"]["spread"]
    n_utt = max(1, len(t.utterances))
    reached = {min(c["segments"] - 1, q.utterance * c["segments"] // n_utt) for q in probing}
    comps.append(_component(
        "spread", cfg, len(reached) / c["segments"], len(reached) / c["segments"],
        f"probing questions in all {c['segments']} parts of the call",
        f"Probing questions reach {len(reached)} of {c['segments']} parts of the call."))

    flags = _flags(cfg, f, rep_qs, probing, canned, lo, dm, imp, follow)
    score = round(sum(comp.points for comp in comps), 1)
    reps = [p.name for p in t.participants if p.role == "rep"]
    prospects = [p for p in t.participants if p.role == "prospect"]
    return CallScore(
        call_id=t.call_id, deal_id=t.deal_id, started_at=t.started_at, title=t.title,
        rep=reps, prospects=[p.name for p in prospects],
        prospect_titles=[p.title for p in prospects if p.title],
        score=min(100.0, score), components=comps, flags=flags, questions=f.questions,
        mentions=f.mentions, talk=f.talk, utterance_count=len(t.utterances),
        analyser_version=ANALYSER_VERSION, lexicon_version=lexicon_version,
        scored_at=scored_at or datetime.now(UTC),
    )


def _flags(cfg: dict[str, Any], f: Findings, rep_qs: list[Question], probing: list[Question],
           canned: list[Question], target: int, dm: list[Mention], imp: list[Mention],
           follow: list[Question]) -> list[Flag]:
    fl = cfg["flags"]
    out: list[Flag] = []
    if not rep_qs:
        out.append(Flag(code="no_questions", message="The rep asked no questions at all."))
    elif len(probing) < fl["few_probing_fraction"] * target:
        out.append(Flag(code="few_probing_questions",
                        message=f"Only {len(probing)} probing questions; aim for {target} or more.",
                        evidence=_q_evidence(probing)))
    share = len(canned) / len(rep_qs) if rep_qs else 0.0
    if len(canned) >= fl["canned_heavy_min"] and share >= fl["canned_heavy_share"]:
        out.append(Flag(code="canned_pitch_heavy",
                        message=f"{len(canned)} of {len(rep_qs)} rep questions are canned pitch "
                                f"lines ({share:.0%}).", evidence=_q_evidence(canned)))
    if not dm:
        out.append(Flag(code="no_decision_maker_discussed",
                        message="Nobody discussed who decides, signs or approves."))
    if not imp:
        out.append(Flag(code="no_impact_discussed",
                        message="Nobody discussed the business impact (money, time, risk)."))
    if len(rep_qs) >= fl["min_questions_for_follow_up_flag"] and not follow:
        out.append(Flag(code="no_follow_ups",
                        message="No rep question built on what the prospect had just said."))
    if f.talk.rep_talk_share > fl["rep_dominates_share"]:
        out.append(Flag(code="rep_dominates_talk",
                        message=f"The rep spoke {f.talk.rep_talk_share:.0%} of the words "
                                f"(above {fl['rep_dominates_share']:.0%} converts worse)."))
    if f.talk.longest_rep_monologue_words > fl["long_monologue_words"]:
        i = f.talk.longest_monologue_utterance
        ev = []
        if i is not None:
            u = f.transcript.utterances[i]
            ev = [Evidence(utterance=i, speaker=u.speaker, start=0, end=min(len(u.text), 200),
                           text=u.text[:200])]
        out.append(Flag(code="long_monologue",
                        message=f"A rep monologue ran {f.talk.longest_rep_monologue_words} words.",
                        evidence=ev))
    return out
