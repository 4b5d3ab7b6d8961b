"""The matcher is a pure library: importing it must not pull in the web stack."""

import subprocess
import sys


def test_import_matching_leaves_flask_and_sqlalchemy_out(repo_root):
    code = (
        "import sys, matching, matching.ranker, matching.cli, matching.allocation; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', "
        "'flask_sqlalchemy', 'werkzeug', 'employerpool'}); print(','.join(bad))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo_root, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == ""
