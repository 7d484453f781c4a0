#!/bin/sh
# embed-file.sh: turns a text file into a C translation unit defining `const char NAME[]`.
# usage: embed-file.sh NAME FILE > out.c
set -eu
name=$1
file=$2
printf '/* generated from %s by scripts/embed-file.sh: do not edit */\n' "$(basename "$file")"
printf '#include <stddef.h>\nconst char %s[] = {\n' "$name"
od -An -v -tx1 "$file" | sed -e 's/ *$//' -e 's/^ *//' -e 's/ \{1,\}/,0x/g' -e 's/^/0x/' -e 's/$/,/' | grep -v '^0x,$'
printf '0x00};\nconst size_t %s_len = sizeof(%s) - 1;\n' "$name" "$name"
