#!/usr/bin/env bash
# Regenerates the golden outputs of the TINY v8 model with the independent PyTorch reference.
# Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/../.."            # repository root
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -B -pl kernels test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
cp="kernels/target/test-classes:kernels/target/classes:$(cat kernels/target/cp.txt)"
model=kernels/target/golden-model
"$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector -cp "$cp" dev.imagine.kernels.GoldenCase kernels/src/test/resources/golden "$model"
/usr/bin/python3 kernels/python/dit_reference.py "$model" kernels/src/test/resources/golden
