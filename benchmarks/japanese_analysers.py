"""Japanese analysers against the rules file's hand-written word rules (issue 11, item 5).

Usage (the candidates are optional, measured only if installed)::

    pip install sudachipy sudachidict-core fugashi unidic-lite
    python benchmarks/japanese_analysers.py [MIN_LEMMAS [DEV_SET]]

Scores the Japanese and mixed items of blind set A, the dev set and our held-out wording with
(a) today's hand-written particles / negative endings and pykakasi readings, (b) SudachiPy or
fugashi lemmas (content words in order, one gap, negations unified; phrases of at least
MIN_LEMMAS content words, default 2) instead of or beside the hand-written rules, and (c) their
kana readings instead of pykakasi's for IME slips; then each dictionary's load time and peak
memory in a fresh process. An experiment: it patches a recogniser, it ships nothing.
"""
import json
import runpy
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.understand.evaluation import figures  # noqa: E402
from bot.understand.loose import LOOSE_QUALITY, MIN_DENSE_STEM  # noqa: E402
from bot.understand.phrases import Hit  # noqa: E402
from bot.understand.recognise import Recogniser  # noqa: E402

CONTENT = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接尾辞", "代名詞", "連体詞", "接頭辞"}
LIGHT = {"為る", "居る", "有る", "成る", "する", "いる", "ある", "なる"}
MIN_LEMMAS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
NEG = {"ない", "無い", "ず", "ぬ", "ん"}

class Sudachi:
    def __init__(self):
        from sudachipy import Dictionary
        self.t = Dictionary().create()
    def tokens(self, text):
        return [(m.normalized_form(), m.part_of_speech()[0], m.reading_form())
                for m in self.t.tokenize(text)]

class Fugashi:
    def __init__(self):
        import fugashi
        self.t = fugashi.Tagger()
    def tokens(self, text):
        out = []
        for w in self.t(text):
            f = w.feature
            lemma = (f.lemma or w.surface).split("-")[0]
            out.append((lemma, f.pos1, f.kana or w.surface))
        return out

def content(an, text):
    seq = []
    for lemma, pos, _ in an.tokens(text):
        if lemma in NEG and pos in ("助動詞", "形容詞"):
            seq.append("NEG")
        elif pos in CONTENT and lemma not in LIGHT:
            seq.append(lemma)
    return tuple(seq)

def install(r, an, mode):
    loose = r.loose
    index = []
    for p in r.index.phrases:
        if p.dense and p.scope is None and p.sources != {"oos"}:
            seq = content(an, p.text)
            words = [w for w in seq if w != "NEG"]
            if len(words) >= MIN_LEMMAS and len("".join(words)) >= MIN_DENSE_STEM:
                index.append((seq, p))
    old = loose._match_dense
    def match_dense(dense, found, hits):
        if mode == "union":
            old(dense, found, hits)
        if dense.isascii():
            return
        text = content(an, dense)
        for seq, p in index:
            if found.get(id(p), 0.0) >= LOOSE_QUALITY or id(p) in hits:
                continue
            if _in_order(seq, text):
                hits[id(p)] = Hit(p, LOOSE_QUALITY)
    loose._match_dense = match_dense

def _in_order(seq, text, gap=1):
    for start in range(len(text)):
        if text[start] != seq[0]:
            continue
        at, ok = start, True
        for want in seq[1:]:
            for pos in range(at + 1, min(len(text), at + 2 + gap)):
                if text[pos] == want:
                    at = pos
                    break
            else:
                ok = False
                break
        if ok:
            return True
    return False

def install_readings(r, an):
    rd = r.readings
    def kana(text):
        return "".join(k for _, _, k in an.tokens(text))
    rd._index = [(kana(p.text), p) for p in rd._phrases]
    rd._convert = lambda text: kana(text)

SAMPLE = "このプロダクトキーは既に使用されています"
LOADERS = {
    "python alone": "pass",
    "pykakasi": f"import pykakasi; pykakasi.kakasi().convert({SAMPLE!r})",
    "sudachipy + sudachidict-core": "from sudachipy import Dictionary; "
                                    f"Dictionary().create().tokenize({SAMPLE!r})",
    "fugashi + unidic-lite": f"import fugashi; fugashi.Tagger()({SAMPLE!r})",
}
# peak memory from VmHWM: ru_maxrss can carry the parent's peak over into the child
MEASURE = ("import time, warnings; warnings.filterwarnings('ignore'); "
           "t = time.perf_counter()\n{code}\n"
           "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
           "print((time.perf_counter() - t) * 1000, int(hwm.split()[1]) / 1024)")


def load_sets():
    def read(path):
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    blind = read(ROOT / "tests" / "blind" / "set_a_first_messages.jsonl")
    dev_path = Path(sys.argv[2]) if len(sys.argv) > 2 else \
        ROOT.parent / "shared" / "eval" / "dev.jsonl"
    dev = read(dev_path) if dev_path.exists() else []
    held = runpy.run_path(str(ROOT / "tests" / "test_recognise.py"))["HELD_OUT"]
    def ja(items):
        return [i for i in items if i["lang"] in ("ja", "mixed")]
    sets = {"blind ja": ja(blind), "dev ja": ja(dev), "held-out ja": ja(held)}
    return {name: items for name, items in sets.items() if items}

def score(r, sets):
    out = {}
    for name, items in sets.items():
        t0 = time.perf_counter()
        res = [r.classify(i["text"]).to_json() for i in items]
        dt = (time.perf_counter() - t0) / len(items) * 1000
        f = figures(items, res)
        out[name] = (f, dt)
    return out

if __name__ == "__main__":
    from bot.paths import rules_path
    k = load_knowledge(rules_path())
    sets = load_sets()
    configs = [("hand-written particles/endings + pykakasi readings", None, None, None)]
    for name, cls in (("sudachi", Sudachi), ("fugashi", Fugashi)):
        try:
            cls()
        except ImportError:
            print(f"({name} not installed: skipped)")
            continue
        configs += [(f"{name} lemmas instead of hand-written", cls, "replace", False),
                    (f"{name} lemmas + hand-written", cls, "union", False),
                    (f"hand-written + {name} readings (instead of pykakasi)", cls, None, True)]
    for label, cls, mode, readings in configs:
        r = Recogniser(k)
        if cls is not None:
            an = cls()
            if mode:
                install(r, an, mode)
            if readings:
                install_readings(r, an)
        res = score(r, sets)
        print(f"\n{label}")
        for name, (f, dt) in res.items():
            print(f"  {name:<12} n={len(sets[name]):>3} in {f.get('in-scope', 0):6.1%} "
                  f"out {f.get('out-of-scope', 0):6.1%} amb {f.get('ambiguous', 0):6.1%} "
                  f"cw {f['confident-wrong']:5.1%}  {dt:5.2f} ms/msg")

    print("\nload + first use in a fresh process (median of 3), peak RSS")
    for name, code in LOADERS.items():
        runs = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", MEASURE.format(code=code)],
                                 capture_output=True, text=True)
            if out.returncode:
                break
            runs.append(tuple(map(float, out.stdout.split())))
        if runs:
            ms = sorted(r[0] for r in runs)[len(runs) // 2]
            print(f"  {name:<28} {ms:7.0f} ms  {max(r[1] for r in runs):5.0f} MB")
        else:
            print(f"  {name:<28} not installed")
