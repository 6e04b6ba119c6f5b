"""Blind sets W to Z (issue 11, session seven), kept as regression sets with their first-pass
figures. Each was written by a separate writer who saw only the reference facts, the seed
article and the questions as users see them (``tests/blind/set_{w,…}_*.jsonl``).

Sets W (350 first messages, 130 typed answers) and X (347, 137) were commissioned at the
session's start and scored once after round thirteen (rec13 cd6ec6e), nothing tuned on them
before: W 96.0 / 92.2 / 85.4 / 2.3 % (in-scope / out-of-scope / ambiguous → clarify /
confident-wrong), ECE 0.034, typed answers 96.9 %, unasked at the watch default 110, 98.2 %
right; X 98.5 / 99.0 / 93.5 / 0.3 %, ECE 0.009, typed 96.4 %, unasked 102, 100 % right. On
the session's starting code 9ec2cad, same run: W 95.5 / 91.3 / 85.4 / 2.6 %, typed 96.9 %,
unasked 111, 97.3 %; X 98.5 / 99.0 / 93.5 / 0.6 %, typed 95.6 %, unasked 102, 100 %. Then used
by category (round fourteen: not-yet reports, physical keys and keyboards, roles given to
someone, cut-off and "sorry"-type reports, typed questions back).

Sets Y (342 first messages, 143 typed answers) and Z (348, 143), commissioned after round
thirteen, scored once after round fourteen (rec13 cb89545),
nothing tuned on them: Y 96.4 / 94.1 / 88.9 / 1.8 %, ECE 0.025, typed 95.1 %, unasked at the
watch default 107, 98.1 % right; Z 94.8 / 96.4 / 91.5 / 1.1 %, ECE 0.018, typed 97.2 %,
unasked 105, 100 % right. On the session's starting code 9ec2cad, same run: Y 96.4 / 94.1 /
86.7 / 1.8 %, typed 94.4 %, unasked 107, 98.1 %; Z 94.8 / 93.6 / 89.4 / 2.0 %, typed 96.5 %,
unasked 104, 100 %. Then used by category (round fifteen: negative questions that ask, "grant"
alone, roles put on someone, status reports; round sixteen below).

Sets ZA (344 first messages, 153 typed answers) and ZB (349, 130), commissioned after round
fourteen, scored once after round fifteen (rec15 87759ed), nothing tuned on them before:
ZA 96.0 / 97.0 / 91.3 / 1.2 %, ECE 0.013, typed 94.8 %, unasked at the watch default 98, 100 %
right; ZB 97.4 / 94.3 / 87.5 / 1.4 %, ECE 0.025, typed 98.5 %, unasked 106, 99.1 % right. On
the session's starting code 9ec2cad, same run: ZA 95.5 / 96.0 / 91.3 / 1.5 %, typed 95.4 %,
unasked 96, 100 %; ZB 96.4 / 94.3 / 87.5 / 1.4 %, typed 98.5 %, unasked 106, 99.1 %. Then used
by category (round sixteen: words in quotation marks quote the screen, status reports, admin
how-tos, typed-answer wordings).

Sets ZC (350 first messages, 139 typed answers) and ZD (342, 134), commissioned after round
fifteen, scored once after round sixteen (rec15 fd770e3),
nothing tuned on them: ZC 95.3 / 97.3 / 89.4 / 1.1 %, ECE 0.023, typed 93.5 %, unasked at the
watch default 100, 99.0 % right; ZD 93.4 / 91.0 / 93.5 / 2.9 %, ECE 0.050, typed 98.5 %,
unasked 96, 97.9 % right. On the session's starting code 9ec2cad, same run: ZC 94.2 / 94.7 /
87.2 / 1.7 %, typed 93.5 %, unasked 100, 99.0 %; ZD 92.3 / 90.0 / 93.5 / 3.2 %, typed 98.5 %,
unasked 95, 97.9 %. Then used by category (round seventeen: quoting clauses that deny the
quote, look-alike keys glued whole, other things that expire, status notes).

Sets ZE (342 first messages, 132 typed answers) and ZF (337, 145), commissioned after round
sixteen, scored once after round seventeen (rec17 f18e1ee), nothing tuned on them before:
ZE 89.6 / 95.8 / 95.5 / 2.0 %, ECE 0.027, typed 95.5 %, unasked at the watch default 95,
100 % right; ZF 96.4 / 98.0 / 88.9 / 1.5 %, ECE 0.026, typed 96.6 %, unasked 107, 99.1 %
right. On the session's starting code 9ec2cad, same run: ZE 88.6 / 94.8 / 93.2 / 2.9 %, typed
94.7 %, unasked 96, 99.0 %; ZF 95.3 / 97.0 / 86.7 / 1.8 %, typed 97.2 %, unasked 108, 98.1 %.
Then used by category (round eighteen: Kansai dialect, the IME slip 監理者, other studios'
tools, typed-answer wordings).

Sets ZG (342 first messages, 139 typed answers) and ZH (336, 128), commissioned after round
seventeen, scored once after round eighteen (rec17 b23e3c9), nothing tuned on them before:
ZG 97.4 / 97.0 / 93.5 / 0.9 %, ECE 0.010, typed 92.8 %, unasked
at the watch default 111, 99.1 % right; ZH 94.7 / 97.1 / 91.3 / 0.9 %, ECE 0.017, typed
94.5 %, unasked 99, 97.0 % right. On the session's starting code 9ec2cad, same run: ZG 96.9 /
97.0 / 93.5 / 0.6 %, typed 92.8 %, unasked 111, 99.1 %; ZH 93.6 / 96.1 / 91.3 / 1.2 %, typed
93.8 %, unasked 99, 96.0 %. Then used by category (round nineteen: the user's own courtesy,
vouchers and coupons, Kansai dialect; with the categories several writers share).

Sets ZI (336 first messages, 151 typed answers) and ZJ (349, 134), commissioned after round
eighteen, scored once after round nineteen (rec19 a324204), nothing tuned on them before (two
of ZJ's typed-answer lines were shown by a file pattern before its scoring; nothing was changed
for them): ZI 98.3 / 92.7 / 95.8 / 2.4 %, ECE 0.037, typed 96.7 %, unasked at the watch default
104, 99.0 % right; ZJ 92.4 / 98.1 / 91.7 / 1.4 %, ECE 0.017, typed 98.5 %, unasked 103, 100 %
right. On the session's starting code 9ec2cad, same run: ZI 97.2 / 89.9 / 93.8 / 3.3 %, typed
97.4 %, unasked 104, 99.0 %; ZJ 91.9 / 95.2 / 91.7 / 2.3 %, typed 98.5 %, unasked 103, 99.0 %.
Then used by category (round twenty: questions back answered in the next clause, status
reports, other products).

Sets ZK (350 first messages, 154 typed answers) and ZL (349, 157), commissioned after round
nineteen, scored once after round twenty (main d9cd782) — the session's final blind figure,
nothing tuned on them: ZK 94.9 / 97.2 / 93.5 / 0.9 %, ECE 0.007, typed 96.1 %, unasked at the
watch default 103, 100 % right; ZL 95.5 / 98.1 / 95.7 / 0.3 %, ECE 0.015, typed 98.7 %,
unasked 110, 100 % right. On the session's starting code 9ec2cad, same run: ZK 94.9 / 94.4 /
93.5 / 1.4 %, typed 95.5 %, unasked 102, 100 %; ZL 95.5 / 98.1 / 95.7 / 0.3 %, typed 97.5 %,
unasked 108, 100 %. Their floors are those first-pass figures less about two messages.

The floors are each set's figures after its round less about two messages: they keep what
was reached, they are not the targets.
"""

from __future__ import annotations

from tests.blind_helpers import floor_tests

FLOORS = {
    "w": {"in-scope": 0.97, "out-of-scope": 0.98, "ambiguous": 0.87, "confident-wrong": 0.009,
          "answers": 0.975},
    "x": {"in-scope": 0.985, "out-of-scope": 0.98, "ambiguous": 0.93, "confident-wrong": 0.006,
          "answers": 0.96},
    "y": {"in-scope": 0.95, "out-of-scope": 0.92, "ambiguous": 0.84, "confident-wrong": 0.025,
          "answers": 0.935},
    "z": {"in-scope": 0.935, "out-of-scope": 0.945, "ambiguous": 0.87, "confident-wrong": 0.017,
          "answers": 0.955},
    "za": {"in-scope": 0.975, "out-of-scope": 0.97, "ambiguous": 0.87, "confident-wrong": 0.012,
           "answers": 0.965},
    "zb": {"in-scope": 0.965, "out-of-scope": 0.98, "ambiguous": 0.83, "confident-wrong": 0.006,
           "answers": 0.975},
    "zc": {"in-scope": 0.94, "out-of-scope": 0.955, "ambiguous": 0.85, "confident-wrong": 0.017,
           "answers": 0.92},
    "zd": {"in-scope": 0.925, "out-of-scope": 0.89, "ambiguous": 0.89, "confident-wrong": 0.035,
           "answers": 0.97},
    "ze": {"in-scope": 0.915, "out-of-scope": 0.98, "ambiguous": 0.91, "confident-wrong": 0.012,
           "answers": 0.96},
    "zf": {"in-scope": 0.965, "out-of-scope": 0.98, "ambiguous": 0.87, "confident-wrong": 0.012,
           "answers": 0.955},
    "zg": {"in-scope": 0.965, "out-of-scope": 0.98, "ambiguous": 0.91, "confident-wrong": 0.009,
           "answers": 0.95},
    "zh": {"in-scope": 0.95, "out-of-scope": 0.96, "ambiguous": 0.89, "confident-wrong": 0.012,
           "answers": 0.96},
    "zi": {"in-scope": 0.975, "out-of-scope": 0.98, "ambiguous": 0.91, "confident-wrong": 0.006,
           "answers": 0.965},
    "zj": {"in-scope": 0.935, "out-of-scope": 0.98, "ambiguous": 0.91, "confident-wrong": 0.009,
           "answers": 0.97},
    "zk": {"in-scope": 0.935, "out-of-scope": 0.95, "ambiguous": 0.89, "confident-wrong": 0.015,
           "answers": 0.945},
    "zl": {"in-scope": 0.945, "out-of-scope": 0.96, "ambiguous": 0.91, "confident-wrong": 0.009,
           "answers": 0.975},
}


test_blind_first_messages_do_not_fall_back, test_blind_typed_answers_do_not_fall_back = \
    floor_tests(FLOORS)
