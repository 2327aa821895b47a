#!/bin/sh
# Fake IUT: leaves processes that keep stdout/stderr open: one in its process
# group and one that escapes into its own session (setsid), so that killing
# the group does not close the pipes. The escaped one prints READY once it
# has escaped and ends after $1 s (default 5).
sleep 60 &
/usr/bin/python3 -c 'import os, sys, time
os.setsid()
print("READY", flush=True)
time.sleep(float(sys.argv[1]))' "${1:-5}" &
exec sleep 60
