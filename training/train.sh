#!/usr/bin/env bash
# Trains the v9 shapes model (arguments go to train.py, e.g. --minutes 90, --resume). Installs Debian's PyTorch
# and the OpenMP OpenBLAS when missing, and names the CPU to OpenBLAS: in some VMs its CPUID probe sees a
# "Prescott" and runs SSE3 kernels at a fifth of the AVX-512 speed (40 vs 211 GFLOP/s measured on a Xeon).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null || ! dpkg -s libopenblas0-openmp >/dev/null 2>&1; then
  SUDO=""; if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
    python3-torch python3-numpy libopenblas0-openmp
fi
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  if grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi
fi
exec /usr/bin/python3 train.py "$@"
