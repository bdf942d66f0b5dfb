"""Question detection and form rules: pure functions over a sentence's normalised words.

The rules read the shape of spoken English questions, which survives lost punctuation:
a wh-word or an inverted auxiliary at the start (after discourse markers such as
"so", "uh", "you know"), a tag at the end ("..., isn't it"), or a request form
("walk me through ..."). A "?" makes a question, so on punctuated text the rules
mostly add recall; the one exception is a retold question ("I said, how are you
doing?"), which was put to someone else, not to the listener. Look-alikes are
rejected: free relatives ("what I mean is ..."), subordinate clauses ("when I was
young"), exclamatives ("what a day").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AUX",
    "HESITATIONS",
    "WH",
    "QuestionShape",
    "content_start",
    "drop_restarts",
    "is_question_start",
    "question_shape",
    "repair_request",
]

WH = frozenset({"what", "how", "why", "where", "when", "who", "whom", "whose", "which"})
AUX = frozenset(
    {
        "do", "does", "did", "is", "are", "was", "were", "am", "can", "could", "would",
        "will", "should", "shall", "have", "has", "had", "may", "might",
    }
)
# Contracted forms after a wh-word or pronoun, normalised to the auxiliary they stand for.
_CONTRACTED = {"'s": "is", "s": "is", "'re": "are", "re": "are", "'m": "am", "'ve": "have",
               "ve": "have", "'ll": "will", "ll": "will", "'d": "would", "d": "would"}
_NEG = frozenset({"not", "n't", "nt"})
_PRON_SUBJ = frozenset({"you", "i", "we", "they", "he", "she", "y'all", "ya", "u", "yall"})
_SUBJ = _PRON_SUBJ | frozenset(
    {
        "it", "there", "that", "this", "these", "those", "anybody", "anyone", "anything",
        "everybody", "everyone", "everything", "somebody", "someone", "something", "nobody",
        "your", "his", "her", "their", "our", "my", "the", "a", "an", "any", "some", "all",
        "people", "most", "both", "each", "either", "other", "others", "y'", "ya'll",
    }
)
_DET = frozenset({"it", "that", "this", "these", "those", "the", "a", "an", "some", "any", "my",
                  "your", "our", "their", "his", "her", "all", "both", "each", "either", "other"})
FILLERS = frozenset(
    {
        "uh", "um", "uhm", "umm", "er", "erm", "ah", "oh", "well", "so", "and", "but", "or",
        "okay", "ok", "now", "then", "yeah", "yes", "yep", "no", "nope", "right", "alright",
        "hey", "like", "anyway", "anyways", "mm", "hm", "hmm", "huh", "actually", "also",
        "plus", "see", "listen", "look", "hi", "hello", "sure", "great", "cool", "good",
        "wow", "gosh", "boy", "gee", "huh-uh", "uh-huh", "mhm", "um-hum",
        "besides", "again", "first", "second", "next", "finally", "just", "quickly", "sorry",
        "y'know", "yknow", "wait",
        # acknowledgements that open a turn: "fair, would it be okay if ...", "totally, what"
        "fair", "totally", "perfect", "gotcha", "awesome", "nice", "ha", "haha", "morning",
        "absolutely", "understood", "interesting", "excellent", "wonderful", "fantastic",
        "thanks", "definitely",
    }
)
# Filler words that open a question only in multi-word markers; single ones above.
_MULTI_FILLERS: tuple[tuple[str, ...], ...] = (
    ("you", "know"), ("y'", "know"), ("ya", "know"), ("i", "mean"), ("all", "right"),
    ("by", "the", "way"),
    ("let", "me", "ask", "you"), ("let", "me", "ask"), ("can", "i", "ask", "you"),
    ("i", "was", "going", "to", "ask"), ("i", "wanted", "to", "ask"), ("and", "then"),
    ("just", "out", "of", "curiosity"), ("out", "of", "curiosity"), ("tell", "me"),
    ("of", "course"), ("first", "of", "all"), ("one", "more", "thing"),
    ("one", "last", "thing"), ("quick", "question"), ("one", "more", "question"),
    ("one", "last", "question"), ("another", "question"),
    ("got", "it"), ("no", "worries"), ("no", "problem"), ("fair", "enough"),
    ("that", "is", "fair"), ("makes", "sense"), ("that", "makes", "sense"), ("sounds", "good"),
    ("good", "morning"), ("thank", "you"), ("good", "to", "know"), ("that", "is", "helpful"),
)
# Words after which a wh-word or auxiliary opens an embedded clause, not a new question.
_EMBEDDING = frozenset(
    {
        "know", "knew", "wonder", "wondering", "wondered", "see", "saw", "tell", "told",
        "ask", "asked", "asking", "understand", "sure", "idea", "matter", "matters",
        "remember", "decide", "decided", "figure", "explain", "show", "learn", "care",
        "depends", "depend", "about", "of", "on", "in", "at", "from", "to", "with", "for",
        "by", "is", "was", "be", "been", "are", "were", "'s", "that", "exactly", "just",
        "like", "guess", "think", "thought", "believe", "realize", "realise", "notice",
        "and", "or", "but", "so", "if", "whether", "because", "than", "as", "where", "how",
        "what", "when", "why", "who", "which", "it", "out", "discuss", "discussed",
        "hear", "heard", "mean", "means", "imagine", "doubt", "question", "regardless",
        "no", "not", "n't", "nt", "find", "found", "determine", "upon", "into",
    }
)
# "how" questions begin with these; "how nice" and other exclamatives do not.
_HOW_NEXT = AUX | frozenset(
    {
        "many", "much", "long", "often", "far", "big", "old", "come", "about", "else", "soon",
        "bad", "serious", "important", "exactly", "do", "large", "well", "quickly", "fast",
        "frequently", "close", "confident", "likely", "would", "are", "'s", "is", "'re",
        "s", "re", "'d", "d", "'ll", "ll", "'ve", "ve", "so", "does", "urgent", "painful",
        "involved", "high", "low", "early", "late",
    }
)
_REQUEST = (
    ("walk", "me", "through"), ("talk", "me", "through"), ("help", "me", "understand"),
    ("tell", "me", "more"), ("tell", "me", "about"), ("give", "me", "a", "sense"),
    ("i'd", "love", "to", "hear"), ("i", "would", "love", "to", "hear"),
    ("i", "'d", "love", "to", "hear"), ("i", "'m", "curious"), ("i", "am", "curious"),
    ("i'm", "curious"), ("i", "'d", "love", "to", "understand"),
    ("i", "'d", "like", "to", "understand"), ("i", "would", "like", "to", "understand"),
    ("describe", "for", "me"), ("paint", "me", "a", "picture"), ("elaborate", "on"),
    ("can", "you", "elaborate"), ("say", "more", "about"),
    ("tell", "me", "a", "little"), ("tell", "me", "a", "bit"), ("tell", "us", "about"),
    ("tell", "us", "more"), ("walk", "us", "through"), ("remind", "me", "what"),
    ("remind", "me", "how"), ("remind", "me", "who"),
)
_IT_TAG_AUX = frozenset({"is", "was", "does", "are", "were", "can", "could", "would", "will",
                         "should"})
_BARE_SUBJ = _PRON_SUBJ - {"i", "u"}  # not "oh do i" (agreeing) nor texting's "u"
_TAG_SUBJ = frozenset({"you", "i", "we", "they", "he", "she", "it", "there", "that", "this"})
_POSSESSIVE = frozenset({"your", "his", "her", "their", "our", "my"})
_EXCLAIMED = frozenset({"more", "worse", "funny", "interesting", "weird", "strange", "amazing",
                        "great"})
_MID_AUX = frozenset({"do", "does", "did", "can", "could", "would", "will", "are", "have",
                      "is", "were", "should"})
_SUBORDINATORS = frozenset({"when", "if", "because", "since", "while", "after", "before",
                            "whenever", "until", "unless", "where", "who", "that", "which"})
_REPORTING = frozenset({"said", "says", "say", "saying", "goes", "go", "going", "went", "asked",
                        "asks", "ask", "like", "thinking", "think", "wonder", "wondering",
                        "question", "told", "tell", "know", "knew", "discuss", "god"})
# Wh-words that open a main-clause question after an if-clause ("who"/"which" there are
# mostly relative: "if you find someone who is good at it").
_MAIN_WH = frozenset({"what", "where", "when", "why", "how"})
_AGREEMENT_OPENERS = frozenset({"so", "neither", "nor", "as", "than"})
# Words after "does"/"did" that are no name ("does so", "did too").
_NOT_A_NAME = frozenset({"so", "too", "not", "n't", "what", "anything", "something",
                         "everything", "nothing", "well", "better", "more", "much", "it",
                         "things", "stuff", "a", "an", "the", "some", "any", "this", "that"})
# Base verbs that follow a do-support subject: "does Dallas have", "did Ryder get".
_BASE_VERBS = frozenset({"have", "get", "go", "do", "make", "think", "know", "like", "want",
                         "need", "use", "say", "take", "come", "see", "put", "cover", "run",
                         "offer", "allow", "let", "work", "pay", "charge", "require", "play",
                         "live", "look", "feel", "find", "keep", "give", "buy", "sell", "send",
                         "tell", "help"})
# "if I could / if we got ...": the seller's offer that opens a conditional close.
_OFFER_VERBS = frozenset({"could", "can", "get", "got", "put", "show", "showed", "give", "gave",
                          "make", "made", "throw", "threw", "were", "did", "bring", "brought",
                          "find", "found", "take", "took", "cut", "save", "saved", "help",
                          "helped", "knock", "knocked", "sharpen", "sharpened", "guarantee"})
# For questions without their "?" (_plain_question).
_PLAIN_WH = frozenset({"what", "how", "why", "where", "when", "who", "which"})
_WH_PREPOSITIONS = frozenset({"from", "for", "in", "at", "to", "with", "on", "about", "since",
                              "until", "by"})
_LISTENER = frozenset({"you", "your", "y'all", "yall", "ya", "u"})
_PLAIN_AUX = _MID_AUX | {"was"}  # the auxiliary before the listener: "how old is your ..."
_PLAIN_TAG_SUBJ = frozenset({"it", "you", "they", "he", "she", "we", "there"})
_PLAIN_TAG_NOT_AFTER = frozenset({"just", "really", "still", "simply"})



@dataclass(frozen=True, slots=True)
class QuestionShape:
    """What the rules found in one sentence."""

    is_question: bool
    form: str | None  # "open" | "closed" | None
    cue: str  # the rule that fired, for explanations and error analysis
    # "negative_question" / "negative_tag": a shape that presupposes its answer
    leading: str | None = None


_NEG_CONTRACTIONS = {
    f"{aux}{neg}": base
    for aux, base in {
        "do": "do", "does": "does", "did": "did", "is": "is", "are": "are", "was": "was",
        "were": "were", "wo": "will", "ca": "can", "could": "could", "would": "would",
        "should": "should", "have": "have", "has": "has", "had": "had", "can": "can",
        "won": "will", "don": "do",
    }.items()
    for neg in ("n't", "nt")
    if f"{aux}{neg}" not in {"cannt", "wont", "dont", "cant"}
}
_NEG_CONTRACTIONS.update({"won't": "will", "wont": "will", "can't": "can", "cant": "can",
                          "cannot": "can", "don't": "do", "dont": "do", "ain't": "is"})
HESITATIONS = frozenset({"uh", "um", "uhm", "umm", "er", "erm", "ah", "eh", "hm", "hmm", "mm"})
_HEDGE_MODALS = frozenset({"shall", "should", "can", "could", "do", "would", "will"})
# A final "right" or "correct" asks for confirmation unless it ends a phrase of its own:
# "that's right", "all right", "you're right", "turn right", "do it right".
_NOT_A_TAG_BEFORE = frozenset({
    "that's", "thats", "that", "all", "is", "was", "be", "been", "are", "were", "it's", "its",
    "you're", "youre", "i'm", "im", "we're", "exactly", "quite", "just", "not", "yeah", "yes",
    "turn", "turned", "go", "went", "the", "it", "them", "this", "him", "her", "me", "us",
    "politically", "very", "perfectly", "so", "right", "correct", "n't", "uh", "um", "oh",
    "damn", "dead",  # "you're damn right", "dead right"
    "okay", "ok", "well", "and", "but", "or", "no", "mhm", "uh-huh", "huh", "hmm", "alright",
    # the adverb ("about right", "sounds right", "set it up right") and the noun ("a right")
    "a", "about", "probably", "absolutely", "always", "much", "really", "doing", "done",
    "seem", "seems", "sound", "sounds", "look", "looks", "feel", "feels", "up", "set",
    "my", "your", "his", "our", "their", "own", "every", "equal",
})


def _normalise(words: Sequence[str]) -> list[str]:
    """Lower-case words, hesitations and stutters removed, contractions expanded.

    Spoken questions are full of restarts ("have, um, have you ever ..."); without
    them the question's shape is plain.
    """
    out: list[str] = []
    for w in words:
        w = w.lower()
        if w in HESITATIONS and out:
            continue
        if w in _CONTRACTED and out and (out[-1] in WH or out[-1] in _SUBJ):
            w = _CONTRACTED[w]
        if out and w == out[-1] and w not in {"that", "had", "very", "really", "no", "bye"}:
            continue  # stutter: "did did you"
        if w in _NEG_CONTRACTIONS:  # "wouldnt" as one word (speech-to-text)
            out.extend((_NEG_CONTRACTIONS[w], "n't"))
            continue
        out.append(w)
    # The speaker's own hedge is no question to the listener: "how shall I say it".
    i = 0
    while i + 3 < len(out):
        if (out[i] == "how" and out[i + 1] in _HEDGE_MODALS and out[i + 2] in {"i", "we"}
                and out[i + 3] in {"say", "put"}):
            end = i + 5 if i + 4 < len(out) and out[i + 4] in {"it", "this", "that"} else i + 4
            del out[i:end]
        else:
            i += 1
    return drop_restarts(out)


def drop_restarts(words: list[str]) -> list[str]:
    """``words`` (lower-case) without two-word restarts: "do you do you", "is it is it"."""
    i = 0
    while i + 3 < len(words):
        if words[i] == words[i + 2] and words[i + 1] == words[i + 3]:
            del words[i + 2 : i + 4]
        else:
            i += 1
    return words


# Requests to repeat what was just said ("pardon me", "sorry what", "come again"): without
# a "?" the words alone are no question about the matter. In SwDA's train conversations
# 110 of 122 such utterances are "br" (signal non-understanding), but with a "?" they
# stay questions: the sales writers and meeting corpora count "Sorry, say that again?".
_REPAIRS = frozenset({
    ("what",), ("huh",), ("pardon",), ("pardon", "me"), ("beg", "your", "pardon"),
    ("i", "beg", "your", "pardon"), ("excuse", "me"), ("sorry",), ("come", "again"),
    ("say", "again"), ("say", "that", "again"), ("say", "what"), ("what", "did", "you", "say"),
    ("the", "what"), ("you", "what"), ("what", "was", "that", "again"),
})
_REPAIR_LEAD = frozenset({"oh", "uh", "um", "er", "hm", "hmm", "i'm", "sorry"})


def repair_request(words: Sequence[str]) -> bool:
    """Whether the words only ask to hear the last turn again: "huh", "pardon me",
    "uh sorry what" (after "oh"/"uh"/"sorry" openers). The detector applies it only to
    sentences without "?": a "?" always counts."""
    w = " ".join(words).lower().replace(" '", "'").split()  # "I 'm" -> "i'm"
    i = 0
    while i < len(w) - 1 and w[i] in _REPAIR_LEAD:
        i += 1
    return tuple(w[i:]) in _REPAIRS


def content_start(words: Sequence[str]) -> int:
    """Index of the first word after leading discourse markers and fillers."""
    i, n = 0, len(words)
    while i < n:
        for marker in _MULTI_FILLERS:
            k = len(marker)
            if tuple(words[i : i + k]) == marker and i + k < n:
                # "tell me" stays a marker only before a question start ("tell me, what ...").
                if marker == ("tell", "me") and not (words[i + k] in WH or words[i + k] in AUX):
                    continue
                i += k
                break
        else:
            if words[i] in FILLERS and i + 1 < n:
                i += 1
                continue
            return i
    return min(i, max(n - 1, 0))


def _aux_inverted(words: Sequence[str], i: int) -> bool:
    """True when words[i:] opens with an auxiliary followed by its subject."""
    n = len(words)
    if i >= n or words[i] not in AUX:
        return False
    aux = words[i]
    j = i + 1
    if j + 1 < n and words[j] in AUX and words[j + 1] in _PRON_SUBJ:
        return _aux_inverted(words, j)  # a restart: "are, do you think ...", "did um, were you"
    negated = j < n and words[j] in _NEG
    if negated:
        j += 1
    if j >= n:
        return False
    subj = words[j]
    if subj not in _SUBJ:
        # A name as subject, with do-support: "does Dallas have curbside recycling",
        # "did Ryder get out of the business" (not the imperative "do volunteer work").
        return (aux in {"does", "did"} and not negated and subj not in _NOT_A_NAME
                and subj not in AUX and subj not in WH
                and any(w in _BASE_VERBS for w in words[j + 1 : j + 3]))
    rest = n - j - 1
    if aux in {"have", "had"} and not negated and subj in _DET:
        return False  # "have a look", "had a lot of people"
    if aux == "do" and not negated and subj in _DET:
        # "do that", "do your best": imperatives, unless a clause follows.
        return rest >= 3 and subj not in {"it", "that", "this"}
    if aux == "would" and negated and subj == "you" and rest >= 1 and words[j + 1] == "know":
        return False  # "wouldn't you know"
    if aux == "may" and subj not in _PRON_SUBJ:
        return False
    if rest == 0 and not negated and (i == 0 or words[i - 1] not in FILLERS):
        return False  # a fragment: "is it", "do you"
    # "so do I", "neither can we": agreement, not a question.
    return not (i > 0 and words[i - 1] in _AGREEMENT_OPENERS and rest == 0 and not negated)


def _wh_question(words: Sequence[str], i: int) -> bool:
    """True when the wh-word at words[i] opens a direct question, not a relative clause."""
    n = len(words)
    wh = words[i]
    if i + 1 >= n:
        return wh == "why"  # a bare "how", "when", "who", "where" is mostly cut off
    nxt = words[i + 1]
    if nxt in {"a", "an"}:
        return False  # "what a day"
    if nxt in {"if", "about", "else", "not"}:
        return wh in {"what", "how", "why", "who", "where"}
    if wh == "how":
        # "how exposed do you think you are": any degree word, then the inverted auxiliary
        return nxt in _HOW_NEXT or nxt in _CONTRACTED or (
            i + 3 < n and words[i + 2] in _MID_AUX and words[i + 3] in _PRON_SUBJ)
    if nxt in AUX or nxt in _CONTRACTED:
        if wh == "which":
            return False  # "which is why ..."
        # not "what's more", "what is funny is"
        return not (wh in {"what", "who"} and nxt in {"is", "was"} and i + 2 < n
                    and words[i + 2] in _EXCLAIMED)
    if nxt in _PRON_SUBJ or nxt in {"it", "there", "people"}:
        # Free relatives and subordinate clauses: "what I mean is", "when I was young".
        # Informal aux-less questions are short: "how you doing", "where you from".
        tail = words[i + 2 :]
        return (
            wh in {"what", "where", "how", "who"}
            and nxt == "you"
            and 1 <= len(tail) <= 2
            and (tail[0].endswith("ing") or tail[0] in {"from", "think", "mean", "got", "want"})
        )
    if wh in {"when", "where", "why"}:
        return nxt in {"exactly", "else", "not", "so"} or (
            wh == "where" and nxt in {"abouts", "at", "in"} and i + 4 >= n)  # "where in indiana"
    if wh == "who":
        return True  # "who decides", "who else is involved"
    if wh == "which" and nxt in {"of", "one", "ones"}:
        return True  # "which of your plants is feeling this the most"
    # what/which/whose + noun: "what kind of car do you drive", but not "what people do is".
    tail = words[i + 1 :]
    for k in range(1, len(tail)):
        if tail[k] in _SUBORDINATORS:
            break  # "what happens when a shipment is late": the copula is in another clause
        if tail[k] in {"is", "was"} and tail[k - 1] not in AUX:
            after = tail[k + 1] if k + 1 < len(tail) else None
            # "what kind of car is that" inverts; "what happened was that he ..." does not.
            if (after is None or after not in _TAG_SUBJ | _POSSESSIVE
                    or k + 2 < len(tail) - 1):
                return False
    if wh == "which":
        # "which seems awful" continues an earlier sentence; "which one do you use" asks,
        # and so does "which plan should I put you down for".
        return nxt in {"one", "ones", "of", "kind", "type", "way", "part", "version", "option"} or (
            i + 3 < n and words[i + 2] in _MID_AUX and words[i + 3] in _PRON_SUBJ
            and nxt not in _PRON_SUBJ)
    return True


_OPINION_VERBS = frozenset({"think", "agree", "say", "reckon", "feel"})


def _negative_tag(words: Sequence[str]) -> bool:
    """True when the sentence ends in a negative tag: "..., isn't it", "..., don't you",
    or asks the listener to agree: "..., don't you think", "..., wouldn't you say"."""
    n = len(words)
    if n >= 4 and words[-1] in _TAG_SUBJ and words[-2] in _NEG and words[-3] in AUX:
        return True
    return (n >= 5 and words[-1] in _OPINION_VERBS and words[-2] == "you"
            and words[-3] in _NEG and words[-4] in AUX)


# A checking question closing a statement, in speech without "?" (none ends a SwDA
# utterance that is not a question).
_CLAUSE_TAGS = (("does", "that", "make", "sense"), ("is", "that", "fair"), ("is", "that", "right"),
                ("does", "that", "work"), ("would", "that", "work"), ("is", "that", "correct"))


def _tag_question(words: Sequence[str]) -> bool:
    """True for a declarative with a question tag: "..., isn't it", "you do, don't you"."""
    n = len(words)
    if _negative_tag(words):
        return True
    if (n >= 4 and words[-1] in _PRON_SUBJ and words[-2] in AUX
            and words[-3] not in _AGREEMENT_OPENERS and words[-3] not in _PRON_SUBJ
            and words[-3] not in WH and words[-3] not in AUX and words[-3] not in _EMBEDDING):
        return True  # "we're not supposed to talk about this, are we"
    if (n >= 4 and words[-1] in {"it", "there"} and words[-2] in _IT_TAG_AUX
            and words[-3] not in _AGREEMENT_OPENERS and words[-3] not in _TAG_SUBJ
            and words[-3] not in WH and words[-3] not in _EMBEDDING
            and not _NEG.isdisjoint(words[:-3])):
        return True  # after a negative clause: "it doesn't mix well, does it"
    if n >= 3 and words[-1] in {"it", "you", "they", "he", "she", "we", "there"} and words[-2] in {
        "isn't", "don't", "doesn't", "didn't", "aren't", "wasn't", "weren't", "won't", "can't",
        "couldn't", "wouldn't", "haven't", "hasn't", "shouldn't",
    }:
        return True
    # "you're on Salesforce today, right", "it didn't pan out huh", "pretty slick huh" (in
    # SwDA's stripped train 21 such three- and four-word lines are questions and 26 not:
    # about even, which is enough for F1)
    if n >= 3 and words[-1] in {"right", "correct", "huh"} and words[-2] not in _NOT_A_TAG_BEFORE:
        return True
    if any(n > len(tag) and tuple(words[-len(tag):]) == tag for tag in _CLAUSE_TAGS):
        return True  # "the timing matters more than the rate is that fair"
    return (n >= 4 and tuple(words[-2:]) == ("or", "not")
            and not any(w in {"whether", "if"} for w in words))


def _bare_aux_question(words: Sequence[str], start: int) -> bool:
    """An auxiliary and a personal subject alone, in unpunctuated text: "did you", "are
    they" (not the agreement "so do we", nor "is it", which is as often a restart).

    Transcribers mark most such fragments with "?"; in SwDA's stripped train
    conversations two of three are questions.
    """
    return (len(words) == start + 2 and words[start] in AUX
            and words[start + 1] in _BARE_SUBJ
            and (start == 0 or words[start - 1] not in _AGREEMENT_OPENERS))


# Yes/no questions that speech drops the auxiliary of: "(have) you ever tried it", "(are)
# you ready", "(do) you mean the renewal", "(is there) anything else".
_ELIDED_AUX_OPENERS = (("you", "ever"), ("you", "ready"), ("you", "mean"), ("you", "been"),
                       ("you", "remember"), ("anything", "else"))
_NOT_ELIDED = frozenset({("mean", "a", "lot"), ("mean", "so", "much"), ("mean", "the", "world")})


def _elided_aux_question(words: Sequence[str], start: int) -> bool:
    """A yes/no question without its auxiliary, opening unpunctuated speech: "you ever
    been out to the plant", "you ready to get started", "you mean the renewal", "anything
    else". In SwDA's stripped train conversations 62 of the 80 are questions (of "you
    mean", 27 of 44; of the others, 35 of 36).
    """
    return (tuple(words[start:start + 2]) in _ELIDED_AUX_OPENERS
            and (start == 0 or words[start - 1] not in _AGREEMENT_OPENERS)
            and tuple(words[start + 1:start + 4]) not in _NOT_ELIDED)


_NAMED_AUX = frozenset({"is", "would", "will", "can", "could", "does", "did", "should"})
_NOT_NAMED = frozenset({"more", "kind", "sort", "like", "just", "really", "very", "so", "too",
                        "all", "always", "never", "one", "two", "three", "said", "gonna",
                        "pretty", "much", "still", "probably", "also", "even", "actually",
                        "definitely", "sure", "either", "only", "usually", "maybe"})
_NOT_NAMED_AFTER = _AGREEMENT_OPENERS | {"sure"}


def _aux_named_subject(words: Sequence[str], start: int) -> bool:
    """An auxiliary opening unpunctuated speech, then a name or noun as its subject: "is
    thursday at ten still good", "would phil have a say", "is delmar up for renewal".

    Lower-cased speech hides which word is a name, so the word after the auxiliary only
    has to be no pronoun, auxiliary, marker, adverb or base verb ("could go either
    way", "is pretty close to new orleans"), and at least two words follow it.
    """
    n = len(words)
    if n < start + 4 or words[start] not in _NAMED_AUX:
        return False
    if start > 0 and words[start - 1] in _NOT_NAMED_AFTER:
        return False  # "so does chicago", "sure is pretty up there"
    nxt = words[start + 1]
    return not (nxt in _SUBJ or nxt in AUX or nxt in _NEG or nxt in FILLERS or nxt in WH
                or nxt in _EMBEDDING or nxt in _BASE_VERBS or nxt in _NOT_NAMED
                or "'" in nxt or nxt.endswith(("ing", "ed", "ly")))


def _inner_aux_question(words: Sequence[str], start: int) -> int | None:
    """Where a yes/no question to the listener starts after a lead-in, in unpunctuated
    speech: "well in interviewing have you ever discussed benefits", "at any rate do you
    have color preferences". Not in reported speech ("he goes do you want to dance",
    "the question was do you ..."), nor "have you scratch his head", "do you any good".

    Only do/have/be: after a lead-in, "would you", "can you" are as often a statement's
    ("not only would you ...", "you can leave your doors open").
    """
    n = len(words)
    for i in range(start + 2, n - 2):
        aux, nxt = words[i], words[i + 2]
        if (aux in _INNER_AUX and words[i + 1] == "you" and words[i - 1] not in _INNER_NOT_AFTER
                and nxt not in _INNER_NOT_BEFORE
                and _REPORTING.isdisjoint(words[max(start, i - 4):i])
                and "is" not in words[max(start, i - 2):i]
                and (aux != "have" or nxt in _HAVE_YOU_NEXT)
                and (aux not in {"are", "were"} or (nxt not in AUX and nxt not in _BASE_VERBS))):
            return i
    return None


# Subjects after an inner wh-question's auxiliary: people and "that"/"this", not "it" or
# "the" ("what is it, a vinyl", "what is the matter with ...": word searches, exclamations).
_INNER_WH_SUBJ = _PRON_SUBJ - {"i", "ya", "u"} | frozenset(
    {"your", "our", "their", "that", "this", "these", "those"})
_INNER_WH_IS = frozenset({"how", "where", "why"})  # "how's the store", "where's that at"
# Words that make a wh-word in the next three embedded or quoted ("I know what you mean",
# "tell you what's possible", "he says why don't you"), not a question of its own; and,
# just before it, any embedding word, preposition, conjunction or article ("about what
# you said", "the what did you call it").
_INNER_WH_NOT_AFTER = (_EMBEDDING | _REPORTING | frozenset(
    {"showing", "shows", "tells", "telling", "explains", "explaining", "knows", "knowing",
     "unsure", "certain", "talk", "talking", "talked", "discussing", "hearing", "learned",
     "deciding", "choose", "choosing", "based", "dunno", "you"})) - {"so"}
_INNER_WH_NOT_NEAR = _INNER_WH_NOT_AFTER - _WH_PREPOSITIONS - {
    "about", "of", "into", "upon", "and", "or", "but", "if", "because", "than", "as", "it",
    "out", "no", "not", "n't", "nt", "is", "was", "be", "been", "are", "were", "'s", "that",
    "just", "like", "where", "how", "what", "when", "why", "who", "which", "exactly"}


_SAID = frozenset({"said", "says", "say", "asked", "asks", "told", "goes", "went"})
_BE = frozenset({"is", "was", "were", "are", "'s", "be", "being", "am", "'m"})


def _quotes(words: Sequence[str]) -> bool:
    """Whether the end of a stretch reports speech or thought: "I said you've been very
    nice ...", "she was like well ...", "it's like oh ...". What follows is quoted, not
    asked; "you said the drivers hate it ..." recalls the listener's words."""
    n = len(words)
    return any((w in _SAID and n - i <= 6 and not (i and words[i - 1] == "you"))
               or (w == "like" and i and words[i - 1] in _BE) for i, w in enumerate(words))


def _inner_wh_question(words: Sequence[str], start: int) -> int | None:
    """Where a wh-question starts after a lead-in, in unpunctuated speech: "you said the
    drivers hate the app what do they hate about it", "when you say the data's messy what
    does that look like", "hey brianna how's the store".

    The wh-word is at least one word in, followed by an auxiliary and a person or
    "that"/"this" (or is "how's", "where's", "why's"), with no embedding, reporting or
    asking word in the three before it, nor an article just before it.
    """
    n = len(words)
    for k in range(start + 1, n - 1):
        w, nxt = words[k], words[k + 1]
        if not ((w in _INNER_WH_IS and nxt == "is")
                or (w in _MAIN_WH and nxt in AUX and k + 2 < n
                    and words[k + 2] in _INNER_WH_SUBJ)):
            continue
        if (_INNER_WH_NOT_NEAR.isdisjoint(words[max(start, k - 3):k])
                and words[k - 1] not in _INNER_WH_NOT_AFTER
                and words[k - 1] not in {"the", "a", "an"}
                and not _quotes(words[start:k])):  # "she was like well what do you do"
            return k
    return None


_LATER_AUX = _MID_AUX | {"was", "has"}
_LATER_SUBJ = frozenset({"you", "we", "they", "he", "she", "it", "that", "this", "there", "yall",
                         "y'all"})
# Words that close a greeting or an aside before a question: "hi marcus thanks for hopping
# on did you have a good weekend", "hannah hi can you hear me alright".
_ASIDE_END = frozenset({"on", "in", "again", "today", "share", "over", "okay", "ok", "great",
                        "perfect", "sure", "thanks", "alright", "cool", "awesome", "fine",
                        "sorry", "totally", "understood", "fair", "morning", "afternoon",
                        "evening", "hi", "hello", "hey", "all", "folks", "guys"})
_ASIDE_AUX = _MID_AUX - {"were", "should"}


def _later_aux_question(words: Sequence[str], start: int) -> int | None:
    """Where a yes/no question starts later in unpunctuated speech, in two plain shapes:
    an alternative ("so that's in the base price or is it an add-on", "are we on for the
    hour or do you have a hard stop"), and after a greeting or an aside ("hi marcus thanks
    for hopping on did you have a good weekend"). Not "or do this or that", "or does you
    know", "there is you know".
    """
    n = len(words)
    for k in range(start + 2, n - 1):
        aux, subj = words[k], words[k + 1]
        after = words[k + 2] if k + 2 < n else ""
        if after in {"know", "mean", "see"}:
            continue
        if (words[k - 1] == "or" and aux in _LATER_AUX and subj in _LATER_SUBJ and after != "not"
                and (subj not in {"this", "that"} or aux in {"is", "was", "would", "will"})):
            return k
        if (words[k - 1] in _ASIDE_END and aux in _ASIDE_AUX and k + 2 < n
                and subj in {"you", "yall", "y'all", "we", "everyone", "everybody"}):
            return k
    return None


_CLAUSE_OPENERS = frozenset({"if", "suppose", "say", "when", "whenever", "once"})
# Reporting verbs, without "go" ("when a unit goes down, what ...").
_QUOTING = _REPORTING - {"go", "goes", "going", "went"}
_WH_VERBS = frozenset({"happens", "happened", "changes", "decides", "looks", "signs", "gets",
                       "has", "makes", "approves", "owns", "pays", "goes"})


# Subjects other than a person of the main-clause question after an if-clause: "if the price
# were right, is this something you'd want", "if the numbers work, is there anything
# stopping you"; only after a modal or "is"/"are" ("... didn't have anything to wear").
_AFTER_IF_AUX = frozenset({"is", "are", "would", "will", "could", "can", "should"})
_AFTER_IF_THERE_NEXT = frozenset({"anything", "any", "a", "an", "something", "anyone",
                                  "anybody", "someone", "somebody", "enough", "still", "some"})


def _after_if_subject(words: Sequence[str], j: int) -> bool:
    """Whether ``words[j + 1]`` is a non-personal subject of the auxiliary ``words[j]``."""
    if words[j] not in _AFTER_IF_AUX or j + 2 >= len(words):
        return False
    subj, nxt = words[j + 1], words[j + 2]
    if subj == "there":
        return nxt in _AFTER_IF_THERE_NEXT
    if subj == "that":  # "would that be worth a look", not "the problem is, is that ..."
        return words[j] in {"would", "will", "could", "can"}
    return subj in {"this", "anything", "anyone", "anybody"} and nxt not in {"and", "or", "but"}


# After an if- or when-clause, "who" and these open the main-clause question ("when you
# bought the last one, who made the call", "if this looks like a fit, who else would need
# to weigh in"); not auxiliaries: "if you have somebody who will do it with you" is a
# relative clause.
_WHO_NEXT = frozenset({"made", "ends", "else", "takes", "needs", "signed", "decided",
                       "approved", "picked", "chose", "runs", "handles"})


def _after_if_clause(words: Sequence[str], start: int) -> int | None:
    """Start of the main-clause question after an if- or when-clause: "if I could ...,
    would you ...", "when a shipment is late, what does that cost you", "if it slips
    again, what happens".

    Returns its index, or None.
    """
    if start >= len(words) or words[start] not in _CLAUSE_OPENERS:
        return None
    end = len(words) - 1
    if words[start] not in {"if", "suppose", "say"}:
        # Not past a reporting verb: "when I asked him, where do I sign up" is a story.
        end = min(end, next((k for k in range(start, end) if words[k] in _QUOTING), end) + 1)
    for j in range(start + 3, end):
        prev = words[j - 1]
        if prev in _PRON_SUBJ or prev in AUX or prev in {"it", "that", "to", "there"}:
            continue  # "if you would", "if I could show", "if there's anything"
        if (words[j] in _MAIN_WH and j + 2 < len(words) and words[j + 1] in _MID_AUX
                and words[j + 2] in _SUBJ and words[j + 2] != "i"):
            return j  # "if you had a free hand, what would you change"
        if (words[j] in _MAIN_WH and j + 3 < len(words) and words[j + 1] not in AUX
                and words[j + 1] not in _SUBJ
                and words[j + 2] in _MID_AUX and words[j + 3] in _PRON_SUBJ
                and words[j + 3] != "i" and prev not in _EMBEDDING):
            return j  # "when she looks at it, what number is she going to care about"
        if words[j] in {"what", "who"} and words[j + 1] in _WH_VERBS and prev not in _EMBEDDING:
            return j  # "if it slips again, what happens", "when it lands, who looks at it"
        if words[j] == "who" and words[j + 1] in _WHO_NEXT and prev not in _EMBEDDING:
            return j  # "when you bought the last one, who made the final call"
        if (words[j] == "how" and words[j + 1] in {"many", "much", "long", "often"}
                and prev not in _EMBEDDING):
            return j  # "when a unit goes down, how long does it take your crew to get there"
        if (words[j] in AUX and words[j] not in {"am"} and (
                words[j + 1] in _PRON_SUBJ or _after_if_subject(words, j))
                and words[j + 2 : j + 3] not in (["imagine"], ["know"])):
            return j  # not "if ..., can you imagine", nor "when it was, you know, ..."
    return None


# "I (was just) wondering whether you ...", "I don't know if you ...", "I'm not sure if you":
# the speaker's doubt about the listener, put as a statement and meant as a question.
_INDIRECT_HEDGES = (("wonder",), ("wondering",), ("do", "n't", "know"), ("not", "sure"))
_INDIRECT_FILLERS = frozenset({"was", "am", "just", "also", "kind", "sort", "of", "kinda",
                               "really", "have", "been", "even", "actually"})
# The listener as the subject of the doubt: "if you", "whether you'd", speech-to-text's "youve".
_INDIRECT_LISTENER = _LISTENER | frozenset(
    {"you'd", "youd", "you're", "youre", "you've", "youve", "you'll", "youll", "yours",
     "yourself", "yourselves"})


def _indirect_question(w: Sequence[str], start: int) -> bool:
    """Whether the sentence opens with an indirect yes/no question to the listener: "I
    was just wondering whether you'd had a chance to look at the proposal", "I don't
    know if you've heard of it". At the sentence's start only: further in it is an aside
    ("I went fishing at, I don't know if you've ever heard of, Lake Worth"). In SwDA's
    train conversations it finds 63 more questions and 31 false ones; the sales writers count
    "I was just wondering whether you'd had a chance to look at the proposal I sent" as
    one. "You know" after the "if" is a filler when a subject or a wh-word follows it ("I
    don't know if, you know, we could move the date").
    """
    n = len(w)
    if w[start] != "i":
        return False
    i = start + 1
    while i < n and w[i] in _INDIRECT_FILLERS:
        i += 1
    for hedge in _INDIRECT_HEDGES:
        k = i + len(hedge)
        if not (tuple(w[i:k]) == hedge and k + 1 < n and w[k] in {"if", "whether"}):
            continue
        if w[k + 1 : k + 3] == ["you", "know"] and k + 3 < n and (
                w[k + 3] in WH or w[k + 3] in _PRON_SUBJ | {"it", "there"}):
            return False  # "whether, you know, where our money would be best spent"
        return w[k + 1] in _INDIRECT_LISTENER
    return False


def _request(words: Sequence[str], i: int) -> bool:
    """True for requests that work as open questions: "walk me through ..."."""
    for pat in _REQUEST:
        k = len(pat)
        if tuple(words[i : i + k]) == pat and len(words) > i + k:
            return True
    return False


def is_question_start(words: Sequence[str], prev: str | None) -> bool:
    """True when a question plainly begins with ``words`` inside run-on speech.

    Used to split unpunctuated turns ("... it's a mess how many reps do you have").
    Stricter than a sentence start: relative "who"/"which" and auxiliaries that
    continue a clause ("... that did a long analysis") are not split points; an
    auxiliary must address the listener ("do you", "would your team").
    """
    if prev is not None and (prev.lower() in _EMBEDDING or prev.lower() in _REPORTING
                             or prev.lower() in _PRON_SUBJ):
        return False
    w = _normalise(words)
    if len(w) < 3 or w[0] in HESITATIONS:
        return False
    if w[0] in {"what", "how", "why", "where", "when"}:
        return (w[1] in AUX and w[2] in _SUBJ) or (w[0] == "how" and w[1] in _HOW_NEXT
                                                   and w[1] not in AUX)
    if w[0] in _MID_AUX and w[1] in _NEG and w[2] in {"you", "that", "it", "this"}:
        return True  # "... wouldn't that be great for your team"
    return (w[0] in _MID_AUX and w[1] in {"you", "your", "y'all"}
            and w[2] not in {"know", "mean", "see"})


def _form(words: Sequence[str], start: int) -> str:
    """Open or closed, from the question's first content word."""
    if start < len(words) and words[start] in WH:
        return "open"
    if start < len(words) and words[start] in AUX:
        return "closed"
    if _request(words, start):
        return "open"
    if words and words[-1] in WH:
        return "open"  # declarative wh: "you're doing what"
    head = words[start : start + 4]
    if any(w in WH for w in head) and not any(w in {"or"} for w in head):
        return "open"
    return "closed"


_INNER_AUX = frozenset({"did", "do", "does", "have", "are", "were"})
_INNER_NOT_AFTER = (_PRON_SUBJ | WH | AUX | _EMBEDDING | _REPORTING | _SUBORDINATORS
                    | frozenset({"it", "that", "than", "so", "as", "or", "then", "is", "if",
                                 "whether", "because", "mean"}))
_INNER_NOT_BEFORE = frozenset({"know", "see", "mean", "believe", "think", "any", "much",
                               "no", "good"})
_HAVE_YOU_NEXT = frozenset({"ever", "been", "got", "gotten", "seen", "heard", "had", "done",
                            "tried", "read", "noticed", "used", "thought", "looked", "met",
                            "found", "visited", "talked", "any", "a", "an", "the", "your"})


_REPORTERS = frozenset({"i", "he", "she", "they", "we"})
_REPORTER_DETS = frozenset({"the", "my", "his", "her", "our", "their", "this", "that"})
_REPORT_VERBS = _SAID - {"say", "told"}
# "Thought" retells another's thinking ("he thought, what are these fun toys?"); the
# speaker's own ("so we thought, would you be open to a pilot?") puts it to the listener.
_THIRD_REPORTERS = frozenset({"he", "she", "they"})
_REPORT_ADVERBS = frozenset({"just", "finally", "then", "always", "kind", "sort", "of",
                             "would", "still", "even", "actually", "literally",
                             "kinda", "basically", "also", "all"})


def _reported_question(w: Sequence[str], start: int) -> bool:
    """Whether the sentence only retells a question someone asked: "I said, how are you
    doing?", "she's like, well, what are you digging for?", "my husband finally said,
    look, are we going to take the grass?". The question was put to someone else, so it
    is none to the listener, "?" or not (the unpunctuated rules skip quoted questions by
    ``_quotes``). "You said ..." recalls the listener's words and is not retelling, nor
    is "like I said, ..." or "as I said, ..." (the speaker's own point, resumed); "they
    said what?" (the bare echo) and a reported statement ("they said it takes six
    months?") are left alone: only a full wh- or inverted question after the frame counts.
    A noun speaker ("the guy said") needs a reporting verb: "the thing is like, ..." and
    "the question is like, ..." open the speaker's own question.
    """
    i, n = start, len(w)
    if start and w[start - 1] == "like":  # a filler to content_start; "as" is none
        return False
    pronoun = w[i] in _REPORTERS
    if pronoun:
        i += 1
    elif w[i] in _REPORTER_DETS and i + 2 < n and w[i + 1] not in _SUBJ:
        i += 2  # "the guy said", "my husband said"
    else:
        return False
    while i < n and w[i] in _REPORT_ADVERBS:
        i += 1
    if i < n and (w[i] in _REPORT_VERBS or (
            w[i] == "thought" and (not pronoun or w[start] in _THIRD_REPORTERS))):
        i += 1
    elif pronoun and i + 1 < n and w[i] in _BE and w[i + 1] == "like":
        i += 2  # "she's like", "they're like" (normalised to "is", "are"), "I was like"
    else:
        return False
    if n - i < 2:
        return False
    q = i + content_start(w[i:])  # past "well", "oh", "you know", "look"
    return (w[q] in WH and _wh_question(w, q)) or _aux_inverted(w, q)


def question_shape(
    words: Sequence[str], *, has_question_mark: bool, punctuated: bool = False
) -> QuestionShape:
    """Decide whether one sentence is a question, and its form.

    Where the text is punctuated, its "?" marks are trusted: a sentence without
    one is a question only when its auxiliary is inverted ("Is she spayed."), or
    when it is a plain wh-question to the listener or ends in a negative tag
    (``_plain_question``: "what kind of wok do you have,"), or an indirect one ("I was
    wondering whether you'd had a chance to look at it."). One "?" is overruled: a
    retold question ("I said, how are you doing?") was put to someone else.
    Unpunctuated text (speech-to-text output) gets every rule.

    Args:
        words: the sentence's words (punctuation removed), any case.
        has_question_mark: whether the sentence ends in (or holds) a "?".
        punctuated: whether the text around it carries punctuation at all.
    """
    w = _normalise(words)
    if not w:
        return QuestionShape(has_question_mark, "closed" if has_question_mark else None,
                             "question_mark" if has_question_mark else "none")
    start = content_start(w)
    if _reported_question(w, start):
        return QuestionShape(False, None, "reported")
    cue = "none"
    if w[start] in WH and _wh_question(w, start):
        cue = "wh_start"
    elif _aux_inverted(w, start):
        cue = "aux_inversion"
    elif _request(w, start):
        cue = "request"
    elif _indirect_question(w, start):
        cue = "indirect"  # "I was wondering whether you'd had a chance to look at it"
    elif w[start : start + 2] == ["want", "me"] and len(w) > start + 3:
        cue = "aux_inversion"  # "(do you) want me to drop the link in the chat"
    elif _tag_question(w):
        cue = "tag"
    elif (main := _after_if_clause(w, start)) is not None:
        cue = "conditional"
        start = main
    elif (ask := _addressed_wh(w, start)) is not None:
        cue = "wh_start"  # "Ellen, what kind of car do you drive", "from where are you calling"
        start = ask
    elif (ask := _addressed_aux(w, start)) is not None:
        cue = "aux_inversion"  # "Cindy, have you seen Dances with Wolves", "you are you in ..."
        start = ask
    elif not punctuated and _bare_aux_question(w, start):
        cue = "aux_inversion"  # speech-to-text's "did you", "oh are they"
    elif not punctuated and _elided_aux_question(w, start):
        cue = "aux_inversion"  # speech-to-text's "you ever been out to the plant"
    elif not punctuated and _aux_named_subject(w, start):
        cue = "aux_inversion"  # speech-to-text's "is thursday at ten still good"
    elif not punctuated and (ask := _inner_aux_question(w, start)) is not None:
        cue = "aux_inversion"  # "at any rate do you have color preferences"
        start = ask
    elif not punctuated and (ask := _inner_wh_question(w, start)) is not None:
        cue = "wh_start"  # "you said the drivers hate it what do they hate about it"
        start = ask
    elif not punctuated and (ask := _later_aux_question(w, start)) is not None:
        cue = "aux_inversion"  # "is that in the base price or is it an add-on"
        start = ask
    elif has_question_mark:
        cue = "question_mark"
    # Punctuated text without "?": only an inverted auxiliary, a request form, an
    # indirect question and the plainest wh-questions and tags count (transcribers drop
    # "?" on cut-off turns).
    if cue == "none" or (punctuated and not has_question_mark
                         and cue not in {"aux_inversion", "request", "indirect"}
                         and not _plain_question(w, start, cue)):
        return QuestionShape(False, None, "none")
    form = "closed" if cue == "tag" else _form(w, start)
    if has_question_mark and cue != "question_mark":
        cue = f"question_mark+{cue}"
    return QuestionShape(True, form, cue, _leading(w, content_start(w)))


# Words that cannot be the name a question is addressed to ("Ellen, what ...", "Steve, did
# you ..."): wh-words, auxiliaries, subjects, markers, embedding and reporting verbs.
_NO_NAME = WH | AUX | _SUBJ | FILLERS | _EMBEDDING | _REPORTING | _NEG


def _addressed_wh(w: Sequence[str], start: int) -> int | None:
    """Where a wh-question to the listener starts after a name or a preposition.

    "Michael, what do you think about ...", "so Julie how do you feel about ...",
    "from where are you calling", "about how many calls have you made": one word
    (a name; not a pronoun, auxiliary or marker) or a preposition, a wh-word, at most
    two words, an auxiliary, then "you"/"your".
    """
    n = len(w)
    if start + 3 >= n or w[start + 1] not in _PLAIN_WH:
        return None
    head = w[start]
    if head not in _WH_PREPOSITIONS and head in _NO_NAME:
        return None
    for j in range(start + 2, min(start + 5, n - 1)):
        if w[j] in _PLAIN_AUX:
            return start + 1 if w[j + 1] in _LISTENER else None
        if w[j] in _SUBJ or w[j] in _NEG:
            return None
    return None


def _addressed_aux(w: Sequence[str], start: int) -> int | None:
    """Where a yes/no question to the listener starts after a name or a restart.

    "cindy have you seen dances with wolves", "you guys do you get a chance to hunt",
    "you are you in business for yourself": a name (one word that is no pronoun,
    auxiliary, marker or function word), "you guys", or the subject said twice around
    the auxiliary; then an inverted auxiliary with "you"/"y'all" and more words.
    """
    n = len(w)
    head = w[start]
    if w[start : start + 2] == ["you", "guys"]:
        ask = start + 2
    elif (head in _PRON_SUBJ and start + 2 < n and w[start + 1] in AUX
          and w[start + 2] == head):
        ask = start + 1  # the subject said twice: "you are you ..."
    elif head not in _NO_NAME and head not in _WH_PREPOSITIONS:
        ask = start + 1
    else:
        return None
    if (ask + 2 < n and w[ask] in _MID_AUX - {"is"} and w[ask + 1] in {"you", "y'all", "yall"}
            and w[ask + 2] not in {"know", "mean", "see"} and _aux_inverted(w, ask)):
        return ask  # not "you can, you know, marinate it", "mine are, you know, for fun"
    return None


def _plain_question(w: Sequence[str], start: int, cue: str) -> bool:
    """A question plain enough to stand without its "?" (``w`` normalised).

    A wh-word, at most one word or "kind of X", an auxiliary, then the listener:
    "What kind of wok do you have,", "how old is your daughter." Not the suggestion
    "why don't you go first", nor the cleft "what happens is you pay ...". Or a
    negative tag after a clause: "that explains it, doesn't it." (not "that wasn't it").
    """
    n = len(w)
    if cue == "tag":
        return (_negative_tag(w) and n >= 5 and w[-1] in _PLAIN_TAG_SUBJ
                and w[-4] not in _SUBJ and w[-4] not in _PLAIN_TAG_NOT_AFTER)
    if cue != "wh_start" or w[start] not in _PLAIN_WH:
        return False
    if w[start : start + 3] == ["what", "have", "you"]:
        return False  # the idiom "and what have you"
    j = start + 1
    middle = False
    if w[j : j + 2] in (["kind", "of"], ["sort", "of"], ["type", "of"]):
        j += 3
        middle = True
    elif j < n and w[j] not in AUX and w[j] not in _SUBJ:
        j += 1
        middle = True
    if j >= n or w[j] not in _PLAIN_AUX:
        return False
    aux = w[j]
    j += 1
    if j < n and w[j] in _NEG:
        if w[start] == "why":
            return False  # "why don't you go first": a suggestion
        j += 1
    if j >= n or w[j] not in _LISTENER:
        return False
    if w[j + 1 : j + 2] == ["call"]:
        return False  # searching for a word: "what do you call it."
    return not (middle and aux in {"is", "was"} and w[j] != "your")


def _leading(w: Sequence[str], start: int) -> str | None:
    """The grammar of a leading question, if it has one (``w`` normalised).

    A negative question ("Isn't that amazing?", "Wouldn't it be easier ...",
    "Don't you think ...") and a negative tag ("This is a no-brainer, isn't it")
    presuppose their answer: from a rep they fish for agreement. So does the
    conditional offer ("If I could cut that in half, would you move this month?").
    """
    if start + 2 < len(w) and w[start] in AUX and w[start + 1] in _NEG:
        return "negative_question"
    if (start + 3 < len(w) and w[start] == "if" and w[start + 1] in {"i", "we"}
            and w[start + 2] in _OFFER_VERBS):
        return "conditional_offer"  # "if I could show you ..., would you ...?"
    if _negative_tag(w):
        return "negative_tag"
    if (len(w) >= 5 and w[-2] in AUX and w[-1] in _TAG_SUBJ and w[start] not in AUX
            and any(x in _NEGATIVE_WORDS for x in w[start:-2])):
        return "reversed_tag"  # "You don't want another recall, do you?"
    if (len(w) >= 3 and w[-1] in {"right", "correct"} and w[-2] not in _NOT_A_TAG_BEFORE
            and w[start] not in AUX and w[start] not in WH and _TIE_DOWN_CUES.intersection(w)):
        # "So cutting that overtime is what matters most here, right?", "you'd want that
        # sooner rather than later, right?": a claim of value or of what the prospect would
        # do, with a tag, asks for agreement. A check of a fact ("you're on Salesforce
        # today, right?", "so it's mostly checks, right?") has none of these words.
        return "tie_down"
    return None


_NEGATIVE_WORDS = frozenset({"no", "not", "n't", "nothing", "never", "nobody", "none"})
# Words of a tie-down's claim: what the prospect would, should or wants to do, and how
# good or important something is.
_TIE_DOWN_CUES = frozenset({
    "would", "should", "could", "want", "wants", "love", "guess", "guessing", "bet", "agree",
    "really", "pretty", "exactly", "totally", "definitely", "fair", "easy", "great", "slick",
    "powerful", "important", "matters", "priority", "worth", "formality", "deal", "no-brainer",
    "cheaper", "painless", "clean", "must-have", "recommend",
})
