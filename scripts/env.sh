# Sourced by the other scripts: selects JDK 25 for Maven and names the repository root.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${BERTH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
if [ ! -x "$JAVA_HOME/bin/java" ]; then
  echo "berth: JDK 25 not found at $JAVA_HOME (install Temurin 25 there or set BERTH_JAVA_HOME)" >&2
  exit 1
fi
