#!/usr/bin/env bash
# Gets tokens for a development user through the real authorization code + PKCE flow, with curl only:
# the sign-in page (and its anti-forgery token), the authorize redirect, the code exchange. Prints the token response.
#   scripts/token.sh EMAIL [PASSWORD] [GATEWAY]      e.g. scripts/token.sh teacher@mensi.example
# Extract the access token with:  TOKEN=$(scripts/token.sh teacher@mensi.example | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
set -euo pipefail
email=${1:?usage: scripts/token.sh EMAIL [PASSWORD] [GATEWAY]}
password=${2:-MenSI-dev-password-2026}   # the development default seeded by Identity (not a secret)
base=${3:-http://localhost:5080}
client=mensi-web
redirect=http://localhost:5173/callback
redirect_encoded=http%3A%2F%2Flocalhost%3A5173%2Fcallback

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
verifier=$(head -c 32 /dev/urandom | b64url)
challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)
state=$(head -c 8 /dev/urandom | b64url)
authorize="/connect/authorize?client_id=$client&response_type=code&scope=openid%20offline_access%20mensi-api&redirect_uri=$redirect_encoded&code_challenge=$challenge&code_challenge_method=S256&state=$state"

jar=$(mktemp)
trap 'rm -f "$jar"' EXIT

antiforgery=$(curl -fsS -c "$jar" -b "$jar" "$base/account/sign-in" \
  | grep -o 'name="__RequestVerificationToken" value="[^"]*"' | sed 's/.*value="\([^"]*\)"/\1/')
status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
  --data-urlencode "email=$email" --data-urlencode "password=$password" --data-urlencode "returnUrl=$authorize" \
  --data-urlencode "__RequestVerificationToken=$antiforgery" "$base/account/sign-in")
[ "$status" = 302 ] || { echo "sign-in refused (HTTP $status): wrong email or password, or the account is locked" >&2; exit 1; }

location=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$base$authorize")
code=$(printf '%s' "$location" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
[ -n "$code" ] || { echo "no authorization code in: $location" >&2; exit 1; }

curl -fsS "$base/connect/token" -d grant_type=authorization_code -d client_id=$client \
  --data-urlencode "code=$code" --data-urlencode "redirect_uri=$redirect" --data-urlencode "code_verifier=$verifier"
echo
