#!/usr/bin/env bash
# Configures and runs Dovecot + Postfix for the accounts in $ACCOUNTS_FILE (the JSON of `mailswarm accounts
# --json`): Dovecot serves IMAP (STARTTLS) and delivers by LMTP, Postfix takes submission (SASL through
# Dovecot, TLS required) and inbound SMTP for the domain. The STARTTLS certificate is self-signed for the mail
# domain, written once to $TLS_DIR so the agents trust it (NODE_EXTRA_CA_CERTS). Postfix runs in the
# foreground as the container's main process; Dovecot, started first, ends with the container.
set -euo pipefail

DOMAIN=${MAILSWARM_DOMAIN:-swarm.local}
ACCOUNTS_FILE=${ACCOUNTS_FILE:-/mailswarm/accounts.json}
TLS_DIR=${TLS_DIR:-/mailswarm/mail-server-tls}
LISTEN_ADDRESS=${LISTEN_ADDRESS:-*}
IMAP_PORT=${IMAP_PORT:-1143}
SUBMISSION_PORT=${SUBMISSION_PORT:-1587}
SMTP_PORT=${SMTP_PORT:-2525}
MAIL_DIR=/var/mail/mailswarm

log() { printf 'mail-server: %s\n' "$*" >&2; }

[ -s "$ACCOUNTS_FILE" ] || { log "no accounts in $ACCOUNTS_FILE (the mail-accounts service writes it: mailswarm accounts --json)"; exit 1; }

if [ ! -s "$TLS_DIR/cert.pem" ] || [ ! -s "$TLS_DIR/key.pem" ]; then
  log "self-signed certificate for $DOMAIN in $TLS_DIR"
  mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$DOMAIN" \
    -addext "subjectAltName=DNS:$DOMAIN,DNS:localhost,IP:127.0.0.1" \
    -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null
  chmod 600 "$TLS_DIR/key.pem"
  chmod 644 "$TLS_DIR/cert.pem"
  chmod 755 "$TLS_DIR"
fi

# Accounts: Dovecot's passwd-file (login = full address) and Postfix's list of local mailboxes.
umask 077
jq -r '.accounts[] | "\(.address | ascii_downcase):{PLAIN}\(.password)::::::"' "$ACCOUNTS_FILE" > /etc/dovecot/mailswarm-users
jq -r '.accounts[] | "\(.address | ascii_downcase) ok"' "$ACCOUNTS_FILE" > /etc/postfix/mailswarm-mailboxes
umask 022
chown root:dovecot /etc/dovecot/mailswarm-users
chmod 640 /etc/dovecot/mailswarm-users
log "$(wc -l < /etc/postfix/mailswarm-mailboxes) accounts for @$DOMAIN"
mkdir -p "$MAIL_DIR" /var/spool/postfix/private
chown mail:mail "$MAIL_DIR"

cat > /etc/dovecot/dovecot.conf <<CONF
# Written by mail-server-entrypoint: IMAP with STARTTLS for the accounts of mailswarm.
listen = $LISTEN_ADDRESS
protocols = imap lmtp
log_path = /dev/stderr
ssl = yes
ssl_cert = <$TLS_DIR/cert.pem
ssl_key = <$TLS_DIR/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_username_format = %Lu
first_valid_uid = 8
mail_uid = mail
mail_gid = mail
mail_location = maildir:$MAIL_DIR/%d/%n
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu /etc/dovecot/mailswarm-users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$MAIL_DIR/%d/%n
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  unix_listener /var/spool/postfix/private/dovecot-lmtp {
    user = postfix
    group = postfix
    mode = 0600
  }
}
service auth {
  unix_listener /var/spool/postfix/private/auth {
    user = postfix
    group = postfix
    mode = 0660
  }
}
protocol lmtp {
  auth_username_format = %Lu
}
CONF

postfix_interfaces=$([ "$LISTEN_ADDRESS" = '*' ] && echo all || echo "$LISTEN_ADDRESS")
postfix_listen=$([ "$LISTEN_ADDRESS" = '*' ] && echo '' || echo "$LISTEN_ADDRESS:")
cat > /etc/postfix/main.cf <<CONF
# Written by mail-server-entrypoint: inbound SMTP and submission for @$DOMAIN, delivered to Dovecot by LMTP.
compatibility_level = 3.6
myhostname = mail.$DOMAIN
mydomain = $DOMAIN
mydestination =
inet_interfaces = $postfix_interfaces
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = /dev/stdout
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:/etc/postfix/mailswarm-mailboxes
virtual_transport = lmtp:unix:private/dovecot-lmtp
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_security_options = noanonymous
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_tls_cert_file = $TLS_DIR/cert.pem
smtpd_tls_key_file = $TLS_DIR/key.pem
smtpd_tls_security_level = may
smtp_tls_security_level = none
# Mail for @$DOMAIN only: nothing is relayed, looked up in DNS or sent to a postmaster elsewhere.
default_transport = error:this server delivers to @$DOMAIN only
relay_transport = error:this server delivers to @$DOMAIN only
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
notify_classes =
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
CONF
cat > /etc/postfix/master.cf <<CONF
# service type private unpriv chroot wakeup maxproc command
${postfix_listen}$SMTP_PORT inet n - n - - smtpd
${postfix_listen}$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
tlsmgr unix - - n 1000? 1 tlsmgr
postlog unix-dgram n - n - 1 postlogd
CONF

dovecot
postfix check
exec postfix start-fg
