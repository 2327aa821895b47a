#!/bin/sh
# Fake IUT: talks, but never prints the ready line and never exits by itself.
echo "initialising..."
echo "still initialising..." >&2
exec sleep 60
