#!/bin/sh
# Creates the refrigerated-truck template, three real devices and five simulated trucks on a Flotilla server.
# Needs only curl. Settings (environment):
#   FLOTILLA_API       API base URL               (default http://localhost:8080)
#   FLOTILLA_DATA_DIR  the server's data directory (default ./data); the admin token is read from its admin-token file
set -eu

API="${FLOTILLA_API:-http://localhost:8080}"
TOKEN="$(cat "${FLOTILLA_DATA_DIR:-./data}/admin-token")"
V="api-version=2022-07-31"
TEMPLATE="dtmi:contoso:RefrigeratedTruck;1"
TEMPLATE_PATH="dtmi:contoso:RefrigeratedTruck%3B1"
HERE="$(cd "$(dirname "$0")" && pwd)"

put() { # put PATH JSON: PUT with the admin token; fails on an HTTP error and prints the answer
  curl -sS --fail-with-body -X PUT "$API$1?$V" -H "Authorization: $TOKEN" -H 'content-type: application/json' -d "$2"
  echo
}

echo "Template $TEMPLATE"
put "/api/deviceTemplates/$TEMPLATE_PATH" "@$HERE/template.json"

for n in 1 2 3; do
  echo "Real device truck-0$n"
  put "/api/devices/truck-0$n" "{\"displayName\": \"Truck 0$n\", \"template\": \"$TEMPLATE\", \"simulated\": false}"
done

for n in 1 2 3 4 5; do
  echo "Simulated device sim-truck-0$n"
  put "/api/devices/sim-truck-0$n" \
    "{\"displayName\": \"Simulated truck 0$n\", \"template\": \"$TEMPLATE\", \"simulated\": true}"
done
