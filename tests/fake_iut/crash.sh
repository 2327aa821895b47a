#!/bin/sh
# Fake IUT: prints a little and dies of SIGSEGV.
echo "about to crash"
kill -SEGV $$
