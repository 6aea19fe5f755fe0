"""Write docs/openapi.json from the code (``--check``: fail if the committed file is not what the code says)."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET = ROOT / "docs" / "openapi.json"


def rendered() -> str:
    from chalicelib.api.openapi import document

    return json.dumps(document(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    text = rendered()
    if "--check" in sys.argv:
        if TARGET.read_text() != text:
            sys.exit("docs/openapi.json is out of date: run `make openapi`.")
    else:
        TARGET.write_text(text)
        print(f"wrote {TARGET.relative_to(ROOT)}")
