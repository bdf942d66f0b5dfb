"""Small builders of transcripts for tests."""

from __future__ import annotations

from models import Participant, Transcript, Utterance


def transcript(turns: list[tuple[str, str]], *, call_id: str = "c1", deal_id: str = "d1",
               seconds_per_word: float | None = 0.4, **extra) -> Transcript:
    """A rep ("rep") and prospect ("pro") call from (speaker, text) turns."""
    utts, t = [], 0.0
    for speaker, text in turns:
        if seconds_per_word is None:
            utts.append(Utterance(speaker=speaker, text=text))
            continue
        dur = max(1.0, len(text.split()) * seconds_per_word)
        utts.append(Utterance(speaker=speaker, start=round(t, 2), end=round(t + dur, 2),
                              text=text))
        t += dur + 0.5
    return Transcript(
        call_id=call_id, deal_id=deal_id,
        participants=[Participant(speaker="rep", name="Dana Rep", role="rep"),
                      Participant(speaker="pro", name="Tom Buyer", role="prospect",
                                  title="Director of Operations")],
        utterances=utts, **extra,
    )


GOOD_CALL = [
    ("rep", "Thanks for making time, Tom. How are you handling dispatch today?"),
    ("pro", "Mostly spreadsheets and phone calls. Our dispatchers lose about 10 hours a week."),
    ("rep", "You mentioned 10 hours a week. What does that cost you?"),
    ("pro", "Roughly forty thousand dollars a year in overtime, and we miss delivery windows."),
    ("rep", "What happens when you miss a delivery window?"),
    ("pro", "The customer can fine us, and two accounts are at risk right now."),
    ("rep", "Which accounts are at risk, and how big are they?"),
    ("pro", "Our two biggest grocery chains, maybe 30% of revenue."),
    ("rep", "Who else is involved in deciding on a fix like this?"),
    ("pro", "Our CFO signs anything over fifty thousand, and the VP of Operations decides."),
    ("rep", "How does the VP of Operations usually evaluate tools like this?"),
    ("pro", "She wants a pilot with real numbers before she takes it to the board."),
    ("rep", "What would a successful pilot need to show her?"),
    ("pro", "Fewer missed windows and less overtime, basically."),
    ("rep", "How are the dispatchers feeling about the current process?"),
    ("pro", "Frustrated. One of them quit last month because of the weekend shifts."),
    ("rep", "Why do the weekend shifts happen?"),
    ("pro", "Because planning takes so long on Fridays that it spills over."),
    ("rep", "What have you tried so far to speed up Friday planning?"),
    ("pro", "We tried a cheaper routing tool but nobody used it."),
    ("rep", "Why did nobody use it?"),
    ("pro", "It did not talk to our order system, so it was double entry."),
    ("rep", "How do orders get into your system today?"),
    ("pro", "Mostly EDI, some by email."),
    ("rep", "Got it. What would it mean for your team if Friday planning took one hour?"),
    ("pro", "Honestly it would save us a hire and keep the grocery accounts happy."),
]

PITCH_CALL = [
    ("rep", "Thanks for joining. Let me tell you about our platform. " + "We are the leading "
     "scheduling solution, trusted by thousands of practices, with automated reminders, "
     "online booking, analytics dashboards, and a mobile app that patients love. " * 12),
    ("pro", "Okay."),
    ("rep", "Wouldn't you agree that no-shows are a problem for every practice?"),
    ("pro", "I guess so."),
    ("rep", "If I could show you a way to cut no-shows in half, would you be interested?"),
    ("pro", "Maybe."),
    ("rep", "Our customers love it. " + "It integrates with everything and our support team "
     "is available around the clock, and onboarding takes a day. " * 5 + "Does that make sense?"),
    ("pro", "Sure."),
    ("rep", "Are you happy with your current scheduling system?"),
    ("pro", "It's fine."),
    ("rep", "Can you see how this would help your front desk?"),
    ("pro", "I suppose."),
]
