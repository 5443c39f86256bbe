"""The luatorch Jupyter kernel: iTorch notebooks in Jupyter/JupyterLab, one Lua state per kernel.

    python -m luatorch.kernel install --user     # kernelspecs 'luatorch' and 'itorch'
    python -m luatorch.kernel -f CONNECTION_FILE # what Jupyter runs

Cells run exactly as `th --notebook` runs them (luatorch/notebook.py `Session`); output is
captured at the file-descriptor level and sent as stdout/stderr streams, `itorch` rich outputs
as display_data, errors as error messages. Completion is trepl's; interrupts (SIGINT from
Jupyter) stop the running Lua code. Needs ipykernel (`pip install 'luatorch[jupyter]'`).
"""
from .install import install, kernel_json

__all__ = ['install', 'kernel_json']
