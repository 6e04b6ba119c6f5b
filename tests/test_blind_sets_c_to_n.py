"""Blind sets C to N (issue 11), kept as regression sets with their first-pass figures.

Each was written by a separate writer who saw only the reference facts, the seed article and
the questions as users see them — never the rules, the dev set, the other sets or the code
(``tests/blind/set_{c,…,n}_first_messages.jsonl``, ``…_answers.jsonl``).

Set C (355 first messages, 151 typed answers), scored once before session four's changes
(main fa0576d): in-scope 92.0 %, out-of-scope 82.7 %, ambiguous → clarify 88.0 %,
confident-wrong 5.1 %, ECE 0.089; typed answers 92.7 %. Used by category only (no text).

Set D (362 first messages, 155 typed answers), session four's final figure, scored once:
92.3 / 93.3 / 62.0 / 2.8 %, ECE 0.053; typed answers 92.3 %; unasked answers at the watch
default 116, 97.4 % right. Then used by category (round four: status reports, a key that
fails with no message, two errors without the context, groups counted once, 無い).

After round four: C 93.5 / 93.3 / 88.0 / 2.0 %, typed 94.7 %; D 92.8 / 97.1 / 72.0 / 1.7 %,
typed 92.9 %.

Sets E (347 first messages, 152 typed answers) and F (372, 146), round four's final figure,
each scored once after all of it (main 8c81fdf), with nothing changed since:
E 92.3 / 92.2 / 83.3 / 2.3 %, ECE 0.039, typed 94.1 %, unasked at the watch default 106,
98.1 % right; F 93.3 / 95.6 / 70.0 / 1.6 %, ECE 0.021, typed 92.5 %, unasked 110, 97.3 %
right. (On round four's starting code f409cb0: E 92.3 / 92.2 / 75.0 / 2.3 %, typed 94.1 %;
F 93.3 / 92.9 / 68.0 / 2.4 %, typed 93.2 %.) One change came after, prompted by our own
held-out wording, not by E or F (a failure beside "the key" counts for the key errors only
when no error's own words are found): E unchanged, F in-scope 93.3 → 92.8 %. The floors
were those figures less about two messages; now they are each set's figures at the end of
round five less about two messages: they keep what was reached, they are not the targets.

Then E and F were used by category too (round five: cut-off quotes, errors named as
alternatives, status reports in their own negative form, a long cue as its own context,
romaji particles, typed answers' questions back and typos), the calibration refitted on A to F
and the watch default set to 0.9874. Sets G (360 first messages, 148 typed answers) and H
(361, 153), written by two more writers the same way, scored once after all of it (main
459bad3), nothing changed since: G 93.7 / 94.4 / 85.1 / 1.4 %, ECE 0.015, typed 95.3 %,
unasked at the watch default 115, 99.1 % right; H 94.6 / 93.5 / 79.2 / 2.2 %, ECE 0.031,
typed 94.8 %, unasked 120, 99.2 % right. (On the session's starting code f409cb0: G 91.7 /
94.4 / 66.0 / 1.4 %, typed 94.6 %; H 94.1 / 89.8 / 75.0 / 3.6 %, typed 94.1 %.)

Then G and H were used by category (round six: withdrawn reports, other keys and orders,
half-remembered messages, kana read either way in typed answers) and the calibration refitted
on A to H (the watch default keeps raw 0.98: 0.9943 calibrated). Sets I (346 first messages,
140 typed answers) and J (359, 143), two more writers, scored once after all of it (main
8d2e13e): I 95.9 / 96.1 / 91.3 / 1.4 %, ECE 0.021, typed 95.7 %, unasked at the watch default
113, 98.2 % right; J 89.6 / 97.2 / 98.0 / 1.4 %, ECE 0.014, typed 95.1 %, unasked 109, 97.2 %
right. (On the session's starting code f409cb0: I 95.9 / 94.2 / 76.1 / 1.4 %, typed 95.0 %;
J 88.1 / 96.3 / 91.8 / 1.9 %, typed 91.6 %.)

Then I and J were used by category (round seven: OCR'd long-vowel marks, status reports,
"redeemed previously", other kinds of orders, typed-answer wordings). Sets K (368 first
messages, 140 typed answers) and L (351, 148), two more writers, scored once after all of it
(42f84e3), the session's final figure: K 93.0 / 95.2 / 87.8 / 1.4 %, ECE 0.013, typed 97.9 %,
unasked at the watch default 112, 99.1 % right; L 93.0 / 95.3 / 89.1 / 1.1 %, ECE 0.019,
typed 96.6 %, unasked 108, 99.1 % right. (On the session's starting code f409cb0: K 91.6 /
91.4 / 77.6 / 3.3 %, typed 96.4 %; L 92.5 / 90.6 / 71.7 / 2.8 %, typed 95.3 %.)

Then K and L were used by category (round eight: "stopped working" only beside a key, romaji
markers, status reports, other products and topics). Sets M (331 first messages, 137 typed
answers) and N (327, 141), two more writers, scored once after it (fc01367): M 93.4 / 90.3 /
89.1 / 3.6 %, ECE 0.052, typed 96.4 %, unasked at the watch default 101, 98.0 % right; N 96.1 /
98.1 / 78.3 / 0.6 %, ECE 0.017, typed 95.0 %, unasked 99, 99.0 % right. (Before round eight,
same run: M identical, N in-scope 95.5 %. On the session's starting code f409cb0: M 91.8 /
90.3 / 67.4 / 4.2 %, typed 94.9 %; N 92.7 / 94.2 / 67.4 / 1.8 %, typed 95.0 %.)
"""

from __future__ import annotations

from tests.blind_helpers import floor_tests

FLOORS = {  # each set's figures at the end of round five, less about two messages
    "c": {"in-scope": 0.935, "out-of-scope": 0.92, "ambiguous": 0.90, "confident-wrong": 0.03,
          "answers": 0.93},
    "d": {"in-scope": 0.93, "out-of-scope": 0.96, "ambiguous": 0.86, "confident-wrong": 0.02,
          "answers": 0.94},
    "e": {"in-scope": 0.955, "out-of-scope": 0.98, "ambiguous": 0.87, "confident-wrong": 0.01,
          "answers": 0.95},
    "f": {"in-scope": 0.965, "out-of-scope": 0.98, "ambiguous": 0.88, "confident-wrong": 0.01,
          "answers": 0.94},
    "g": {"in-scope": 0.925, "out-of-scope": 0.925, "ambiguous": 0.80, "confident-wrong": 0.02,
          "answers": 0.94},
    "h": {"in-scope": 0.935, "out-of-scope": 0.915, "ambiguous": 0.75, "confident-wrong": 0.028,
          "answers": 0.935},
    "i": {"in-scope": 0.945, "out-of-scope": 0.94, "ambiguous": 0.86, "confident-wrong": 0.02,
          "answers": 0.94},
    "j": {"in-scope": 0.88, "out-of-scope": 0.95, "ambiguous": 0.94, "confident-wrong": 0.02,
          "answers": 0.935},
    "k": {"in-scope": 0.92, "out-of-scope": 0.93, "ambiguous": 0.84, "confident-wrong": 0.02,
          "answers": 0.96},
    "l": {"in-scope": 0.92, "out-of-scope": 0.93, "ambiguous": 0.85, "confident-wrong": 0.017,
          "answers": 0.95},
    "m": {"in-scope": 0.92, "out-of-scope": 0.88, "ambiguous": 0.84, "confident-wrong": 0.042,
          "answers": 0.95},
    "n": {"in-scope": 0.95, "out-of-scope": 0.96, "ambiguous": 0.73, "confident-wrong": 0.012,
          "answers": 0.935},
}


test_blind_first_messages_do_not_fall_back, test_blind_typed_answers_do_not_fall_back = \
    floor_tests(FLOORS)
