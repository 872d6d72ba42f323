#!/usr/bin/env bash
# Rebuild and publish the township site every day, from cron.
#
# Statuses follow the calendar: a section becomes overdue at midnight even
# when nobody touched a file, so the site must be rebuilt daily. Install
# (as the user who owns the web root, or who holds the SSH key):
#
#   crontab -e
#   MAILTO=admin@example.gov.cn
#   10 0 * * *  TARGET=/srv/www/gongkai /srv/gongkai/site/docs/cron-publish.sh
#
# Settings, all from the environment:
#   TARGET      where to publish: /srv/www/gongkai or user@host:/srv/www/gongkai (required,
#               unless publishconf.py sets GONGKAI_PUBLISH_TO)
#   SITE_DIR    the site (with publishconf.py); default: the folder above this script
#   GONGKAI     the gongkai command; default: $SITE_DIR/.venv/bin/gongkai (made by `make html`)
#   LOG_DIR     one log file a day; default: $SITE_DIR/logs
#   LOCK_FILE   one publish at a time; default: /tmp/gongkai-publish-<uid>.lock
#   GIT_PULL=1  fetch the clerks' latest commits first (git pull --ff-only)
#   GONGKAI_SSH the ssh command for a remote TARGET, e.g. "ssh -i /home/deploy/.ssh/gongkai"
#
# On failure it exits non-zero and prints one line to stderr, which cron
# mails to MAILTO; the live site stays as it was (gongkai publish switches
# only when everything succeeded). The details are in the day's log.
set -euo pipefail

SITE_DIR=${SITE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
GONGKAI=${GONGKAI:-$SITE_DIR/.venv/bin/gongkai}
LOG_DIR=${LOG_DIR:-$SITE_DIR/logs}
LOCK_FILE=${LOCK_FILE:-/tmp/gongkai-publish-$(id -u).lock}
TARGET=${TARGET:-}

mkdir -p "$LOG_DIR"
log="$LOG_DIR/publish-$(date +%Y-%m-%d).log"

fail() {
    echo "$(date '+%F %T') gongkai 发布失败：$1。线上网站保持原样。详情见日志 $log" >&2
    echo "$(date '+%F %T') 发布失败：$1" >>"$log"
    exit 1
}

exec 9>"$LOCK_FILE"
if ! flock -n 9; then
    fail "上一次发布还没有结束（锁文件 $LOCK_FILE）"
fi

[ -x "$GONGKAI" ] || fail "找不到 gongkai 命令 $GONGKAI（请在 $SITE_DIR 运行 make html，或设置 GONGKAI）"
cd "$SITE_DIR" || fail "找不到站点目录 $SITE_DIR"

{
    echo "==== $(date '+%F %T') 开始发布到 ${TARGET:-（publishconf.py 中的 GONGKAI_PUBLISH_TO）}"
} >>"$log"

if [ "${GIT_PULL:-0}" = 1 ]; then
    git pull --ff-only >>"$log" 2>&1 || fail "git pull 失败"
fi

args=(publish)
[ -n "$TARGET" ] && args+=(--to "$TARGET")
status=0
"$GONGKAI" "${args[@]}" >>"$log" 2>&1 || status=$?
if [ "$status" -eq 1 ] && tail -n 1 "$log" | grep -q '^已上线'; then
    # The release went live without the files that have errors (they were never live): say so loudly.
    echo "$(date '+%F %T') gongkai 已发布，但有文件因错误没有发布（见日志 $log），请改正后再发布。" >&2
    echo "$(date '+%F %T') 已发布，但有文件因错误没有发布" >>"$log"
    exit 1
fi
if [ "$status" -ne 0 ]; then
    fail "gongkai publish 退出码 $status"
fi
echo "==== $(date '+%F %T') 完成" >>"$log"
