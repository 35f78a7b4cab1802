"""The plugin's names (registered, declared, catalogued), and what loading it does and does not import."""

import subprocess
import sys

import pytest
from kcore_distribute_mpi import find_mpiexec
from kcore_distribute_mpi.plugin import mpi, nccl

from kcore.testing import check_plugin_declarations


def test_registers_the_mpi_and_nccl_communicators_it_declares_and_the_catalogue_lists():
    check_plugin_declarations("kcore-distribute-mpi")


def test_communicators_are_found_by_name_through_the_registry():
    from kcore.plugins import manager

    assert manager().get("distribution", "mpi") is mpi
    assert manager().get("distribution", "nccl") is nccl


def test_loading_the_plugin_imports_neither_mpi4py_nor_cupy():
    # importing mpi4py starts MPI: that must wait until a communicator is created
    code = ("import sys, kcore; from kcore.plugins import manager; manager().load('kcore-distribute-mpi'); "
            "print(sorted(m for m in ('mpi4py', 'cupy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_mpiexec_is_found_beside_this_python_when_mpich_is_installed_there():
    found = find_mpiexec()
    if found is None:
        pytest.skip("no mpiexec here (pip install mpich)")
    done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "HYDRA" in (done.stdout + done.stderr).upper()  # MPICH's launcher
