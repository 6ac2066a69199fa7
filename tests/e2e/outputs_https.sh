#!/bin/sh
# HTTPS webhook with mutual TLS: a receiver that requires a client
# certificate signed by its CA; sysreplay's http output with ca/cert/key
# delivers, and without the client certificate nothing is accepted (the
# alerts stay in the spool).
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.inc
. tests/e2e/outputs.inc
need_replay outputs_https
command -v openssl >/dev/null || { skip outputs_https "no openssl"; exit 0; }
T=$(mktemp -d)
trap 'cleanup_pids; rm -rf "$T"' EXIT
cd "$T" || exit 1
{
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=testca
	openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1
	printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext
	openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 1 -extfile srv.ext
	openssl req -newkey rsa:2048 -nodes -keyout cli.key -out cli.csr -subj /CN=sysrec
	openssl x509 -req -in cli.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out cli.crt -days 1
} >/dev/null 2>&1 || { skip outputs_https "openssl could not make test certificates"; cd - >/dev/null; exit 0; }
cd - >/dev/null || exit 1
PORT=$(free_port)
python3 - "$T" "$PORT" <<'PY' >/dev/null 2>&1 & PIDS="$!"
import http.server, ssl, sys
d, port = sys.argv[1], int(sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(d + "/got.jsonl", "ab") as f:
            f.write(body + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(d + "/srv.crt", d + "/srv.key")
ctx.load_verify_locations(d + "/ca.crt")
ctx.verify_mode = ssl.CERT_REQUIRED
s = http.server.HTTPServer(("127.0.0.1", port), H)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()
PY
sleep 0.5
# without the client certificate: refused by the server, kept in the spool
cat >"$T/nocert.yaml" <<EOC
outputs:
  spool_dir: $T/spool-nocert
  drain_timeout: 1s
  http: {enabled: true, url: "https://127.0.0.1:$PORT/", ca: $T/ca.crt, timeout: 2s}
EOC
"$R" alerts --no-progress -r "$BURST_RULES" --outputs "$T/nocert.yaml" tests/fixtures/benign.sysrec \
	>/dev/null 2>"$T/err1"
cat >"$T/mtls.yaml" <<EOC
outputs:
  spool_dir: $T/spool
  drain_timeout: 30s
  http:
    enabled: true
    url: "https://127.0.0.1:$PORT/"
    ca: $T/ca.crt
    cert: $T/cli.crt
    key: $T/cli.key
EOC
want=$("$R" alerts --no-progress -r "$BURST_RULES" tests/fixtures/benign.sysrec 2>/dev/null | wc -l)
"$R" alerts --no-progress -r "$BURST_RULES" --outputs "$T/mtls.yaml" tests/fixtures/benign.sysrec \
	>/dev/null 2>"$T/err2"
if ! grep -q "output http: $want accepted, 0 sent" "$T/err1"; then
	fail outputs_https "without a client certificate: $(grep 'output http' "$T/err1")"
elif msg=$(check_jsonl x "$T/got.jsonl" "$want"); then
	pass "outputs_https ($want alerts over mutual TLS; refused without the client certificate)"
else
	fail outputs_https "$msg; $(grep output "$T/err2")"
fi
