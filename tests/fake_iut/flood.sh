#!/bin/sh
# Fake IUT: writes $1 bytes (default 20 MiB) of zeros to stdout, a little to
# stderr, then exits 0 by itself.
echo "flooding" >&2
head -c "${1:-20971520}" /dev/zero
exit 0
