# git: init, add, commit, log, diff, branch and merge in /tmp.
set -e
export GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=t@example.com
export HOME=/tmp
cd /tmp
git init -q -b main repo
cd repo
printf 'one\ntwo\n' > a.txt
mkdir d && echo deep > d/b.txt
git add -A
git commit -q -m 'first commit'
echo three >> a.txt
git diff
git commit -qam 'second commit'
git checkout -q -b topic
echo topic > d/c.txt && git add d/c.txt && git commit -qm 'topic work'
git checkout -q main
git merge -q --no-edit topic
git log --format='%h %s' --graph
git ls-files
git show --stat --format=%s HEAD~1 | cat
git rev-parse HEAD
git status --short | wc -l
