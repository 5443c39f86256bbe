"""Installing the kernelspecs: 'luatorch', and 'itorch' so that iTorch notebooks (whose
metadata names the kernel 'itorch') open with luatorch unchanged."""
import json
import os
import shutil
import sys
import tempfile

SPECS = {
    'luatorch': 'Lua (luatorch)',
    'itorch': 'iTorch (luatorch)',
}


def kernel_json(display_name, python=None):
    return {
        'argv': [python or sys.executable, '-m', 'luatorch.kernel', '-f', '{connection_file}'],
        'display_name': display_name,
        'language': 'lua',
        'interrupt_mode': 'signal',
        'metadata': {'luatorch': True},
    }


def write_spec(dest, name, display_name, python=None):
    """Write kernel.json for `name` into folder `dest`/`name`; returns that folder."""
    d = os.path.join(dest, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'kernel.json'), 'w') as f:
        json.dump(kernel_json(display_name, python), f, indent=1)
        f.write('\n')
    return d


def install(user=False, prefix=None, names=None, python=None):
    """Install the kernelspecs with jupyter_client; returns the installed folders."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError:
        raise RuntimeError("installing the kernel needs jupyter_client: pip install 'luatorch[jupyter]'")
    ksm = KernelSpecManager()
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names or SPECS:
            src = write_spec(tmp, name, SPECS.get(name, 'Lua (luatorch)'), python)
            done.append(ksm.install_kernel_spec(src, kernel_name=name, user=user, prefix=prefix,
                                                replace=True))
            shutil.rmtree(src)
    return done
