"""Data-parallel training for kcore over MPI (mpi4py) and NCCL (CuPy): the communicators behind
`kcore.distribution.DataParallel`.

    mpiexec -n 4 python train.py      # train.py: kcore.distribution.set_distribution("mpi"); model.fit(...)
"""

import os
import shutil
import sys


def find_mpiexec():
    """The path of `mpiexec`: the one beside this Python (what `pip install mpich` puts in a virtual environment),
    else the first on PATH; None when there is none."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    return shutil.which("mpiexec")


__all__ = ["find_mpiexec"]
