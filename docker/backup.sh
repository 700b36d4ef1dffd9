#!/bin/sh
# Backups on a schedule: create one, verify it, then prune the old ones (docs/backup.md).
#
#   docker/backup.sh            one backup now (for cron, a systemd timer or a Kubernetes CronJob)
#   docker/backup.sh --loop     one backup every BACKUP_INTERVAL seconds (default 86400), forever
#
# Exits non-zero when a backup cannot be made or does not verify; nothing is pruned then, so
# a bad night never deletes the good backups before it. Settings: BACKUP_DIR, BACKUP_KEEP,
# BACKUP_KEY (optional), BACKUP_INTERVAL (--loop only), plus the app's own environment.
set -eu

FLASK="${FLASK:-flask --app app:create_app}"
INTERVAL="${BACKUP_INTERVAL:-86400}"

log() {
    printf '%s backup: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*"
}

once() {
    output=$($FLASK backup create) || { log "create failed"; return 1; }
    printf '%s\n' "$output"
    file=$(printf '%s\n' "$output" | sed -n 's/^Backup written: \(.*\) ([^)]*)$/\1/p')
    if [ -z "$file" ]; then
        log "could not tell which file was written"
        return 1
    fi
    $FLASK backup verify "$file" || { log "verify FAILED for $file"; return 1; }
    $FLASK backup prune
    log "done: $file"
}

case "${1:-}" in
    --loop)
        while :; do
            # A failed night is logged and retried the next night; the container stays up.
            once || log "this run failed; the next one is in ${INTERVAL}s"
            sleep "$INTERVAL"
        done
        ;;
    "")
        once
        ;;
    *)
        echo "usage: $0 [--loop]" >&2
        exit 2
        ;;
esac
