"""Blind sets O to V (issue 11, session six), kept as regression sets with their first-pass
figures. Each was written by a separate writer who saw only the reference facts, the seed
article and the questions as users see them (``tests/blind/set_{o,…}_*.jsonl``).

Sets O (345 first messages, 153 typed answers) and P (355, 145) were commissioned at the
session's start and scored once after round nine (int6 0d71760), nothing tuned on them before:
O 99.5 / 95.1 / 93.3 / 1.4 % (in-scope / out-of-scope / ambiguous → clarify / confident-wrong),
ECE 0.022, typed answers 95.4 %, unasked at the watch default 120, 97.5 % right; P 98.5 / 93.5 /
95.8 / 2.0 %, ECE 0.020, typed 92.4 %, unasked 102, 99.0 % right. On the session's starting
code 18a4d90, same run: O 97.5 / 93.2 / 93.3 / 2.0 %, typed 92.8 %, unasked 118, 97.5 %; P
97.5 / 93.5 / 93.8 / 2.0 %, typed 91.0 %, unasked 100, 98.0 %. Then used by category (round
ten: denials over a whole clause, negative prefixes, status reports, other products' orders,
admin how-tos, typed-answer wordings).

Sets Q (352 first messages, 140 typed answers) and R (344, 149), commissioned after O and P's
first pass, scored once after round ten (main 42b1f56), nothing tuned on them before — the
session's final blind figure: Q 96.5 / 95.4 / 91.3 / 1.7 %, ECE 0.028, typed answers 97.9 %,
unasked at the watch default 108, 100 % right; R 96.4 / 94.1 / 91.3 / 1.7 %, ECE 0.022, typed
98.0 %, unasked 104, 99.0 % right. On the session's starting code 18a4d90, same run: Q 94.9 /
94.4 / 89.1 / 2.0 %, typed 97.1 %, unasked 107, 100 %; R 95.4 / 91.2 / 89.1 / 2.6 %, typed
96.6 %, unasked 106, 98.1 %. Then used by category (round eleven: role holders, licences taken
back and trials extended as how-tos, keys bought to add users, dongles, negators and prefixes
in typo matches).

Sets S (353 first messages, 142 typed answers) and T (352, 136), commissioned after Q and R's
first pass, scored once after round eleven (main cda0a31), nothing tuned on them before:
S 95.5 / 97.2 / 87.5 / 0.6 %, ECE 0.011, typed 96.5 %, unasked at the watch default 100,
99.0 % right; T 95.9 / 92.6 / 91.5 / 2.6 %, ECE 0.048, typed 97.8 %, unasked 109, 100 %
right. On the session's starting code 18a4d90, same run: S 93.9 / 97.2 / 85.4 / 0.6 %, typed
95.1 %, unasked 99, 99.0 %; T 95.4 / 89.8 / 91.5 / 3.4 %, typed 97.1 %, unasked 109, 100 %.
Then used by category (round twelve: office things that go missing, other products'
certificates and licences, role best practice, status reports, typed-answer wordings).

Sets U (348 first messages, 159 typed answers) and V (355, 131), commissioned after S and T's
first pass, scored once after round twelve (main 998f4ed) — the session's final blind figure,
nothing tuned on them: U 98.5 / 95.3 / 95.7 / 1.4 %, ECE 0.020, typed 98.1 %, unasked at the
watch default 103, 98.1 % right; V 96.0 / 95.3 / 83.7 / 1.4 %, ECE 0.020, typed 96.9 %,
unasked 115, 99.1 % right. On the session's starting code 18a4d90, same run: U 97.4 / 91.5 /
95.7 / 2.6 %, typed 95.6 %, unasked 104, 97.1 %; V 94.5 / 91.6 / 83.7 / 2.5 %, typed 94.7 %,
unasked 113, 97.3 %. Their floors are those first-pass figures less about two messages.

The floors are each set's figures after its round less about two messages: they keep what
was reached, they are not the targets.
"""

from __future__ import annotations

from tests.blind_helpers import floor_tests

FLOORS = {
    "o": {"in-scope": 0.985, "out-of-scope": 0.98, "ambiguous": 0.89, "confident-wrong": 0.006,
          "answers": 0.96},
    "p": {"in-scope": 0.975, "out-of-scope": 0.98, "ambiguous": 0.91, "confident-wrong": 0.006,
          "answers": 0.92},
    "q": {"in-scope": 0.965, "out-of-scope": 0.96, "ambiguous": 0.87, "confident-wrong": 0.015,
          "answers": 0.96},
    "r": {"in-scope": 0.96, "out-of-scope": 0.97, "ambiguous": 0.87, "confident-wrong": 0.009,
          "answers": 0.965},
    "s": {"in-scope": 0.945, "out-of-scope": 0.98, "ambiguous": 0.83, "confident-wrong": 0.006,
          "answers": 0.98},
    "t": {"in-scope": 0.955, "out-of-scope": 0.97, "ambiguous": 0.87, "confident-wrong": 0.009,
          "answers": 0.97},
    "u": {"in-scope": 0.975, "out-of-scope": 0.935, "ambiguous": 0.91, "confident-wrong": 0.02,
          "answers": 0.97},
    "v": {"in-scope": 0.95, "out-of-scope": 0.935, "ambiguous": 0.79, "confident-wrong": 0.02,
          "answers": 0.955},
}


test_blind_first_messages_do_not_fall_back, test_blind_typed_answers_do_not_fall_back = \
    floor_tests(FLOORS)
