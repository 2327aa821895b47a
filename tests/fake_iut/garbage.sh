#!/bin/sh
# Fake IUT: binary noise (including NUL bytes and no newlines) on both
# streams, then the ready line, then idles.
head -c 100000 /dev/urandom
head -c 5000 /dev/urandom >&2
printf '\000\377\000READY-AFTER-GARBAGE\n'
exec sleep 60
