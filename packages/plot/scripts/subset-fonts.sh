#!/usr/bin/env bash
# Regenerates fonts/DejaVuSans.ttf and fonts/DejaVuSans-Bold.ttf: DejaVu Sans 2.37 from Debian's
# fonts-dejavu-core, cut down by fontTools' subsetter (Debian's python3-fonttools) to the scripts a
# chart's text uses — Latin, Greek, Cyrillic, punctuation, super/subscripts (ᵀ), arrows and math
# symbols (√ ∂ ‖ − ≤) — so the n8n package stays small (1.47 MB → ~0.37 MB). Glyph shapes and
# advance widths are unchanged (text-width.ts's table still holds). Run from anywhere:
#   apt-get install -y fonts-dejavu-core python3-fonttools && bash packages/plot/scripts/subset-fonts.sh
set -euo pipefail
out="$(dirname "${BASH_SOURCE[0]}")/../fonts"
src=/usr/share/fonts/truetype/dejavu
ranges='U+0020-007E,U+00A0-024F,U+0370-03FF,U+0400-04FF,U+1D00-1DBF,U+2000-206F,U+2070-209F,U+20AC,U+2190-21FF,U+2200-22FF,U+2300-23FF,U+25A0-25FF'
for face in DejaVuSans DejaVuSans-Bold; do
  /usr/bin/python3 -m fontTools.subset "$src/$face.ttf" --unicodes="$ranges" --layout-features='*' \
    --output-file="$out/$face.ttf"
done
cp /usr/share/doc/fonts-dejavu-core/copyright "$out/LICENSE"
sha256sum "$src/DejaVuSans.ttf" "$src/DejaVuSans-Bold.ttf" "$out/DejaVuSans.ttf" "$out/DejaVuSans-Bold.ttf"
