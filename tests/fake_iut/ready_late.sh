#!/bin/sh
# Fake IUT: some noise, then after a delay ($1 s, default 0.2) the ready
# line ($2, default "EDHOC READY") split across two writes; then it idles.
delay=${1:-0.2}
line=${2:-EDHOC READY}
echo "starting up"
echo "some diagnostics" >&2
sleep "$delay"
first=$(printf '%s' "$line" | cut -c1-3)
rest=$(printf '%s' "$line" | cut -c4-)
printf 'log: %s' "$first"
sleep 0.05
printf '%s\n' "$rest"
exec sleep 60
