#!/bin/sh
# As the official image: bound to every address, the server tells its peers this container's own IP.
set -eu
if [ "${BIND_ON_IP:-}" = 0.0.0.0 ] && [ -z "${TEMPORAL_BROADCAST_ADDRESS:-}" ]; then
  TEMPORAL_BROADCAST_ADDRESS="$(getent hosts "$(hostname)" | awk '{print $1; exit}')"
  export TEMPORAL_BROADCAST_ADDRESS
fi
exec temporal-server start
