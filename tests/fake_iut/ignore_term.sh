#!/bin/sh
# Fake IUT: ignores SIGTERM (and so does its child: ignored signals are
# inherited across exec); only SIGKILL ends it.
trap '' TERM
echo "READY (but deaf)"
sleep 60
