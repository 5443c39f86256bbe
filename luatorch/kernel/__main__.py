"""python -m luatorch.kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME]...
python -m luatorch.kernel -f CONNECTION_FILE   (started by Jupyter)"""
import sys

USAGE = """Usage: python -m luatorch.kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME]
       python -m luatorch.kernel -f CONNECTION_FILE

install   install the Jupyter kernelspecs 'luatorch' and 'itorch' (iTorch notebooks name
          their kernel 'itorch'); --name installs only the named ones
-f FILE   run the kernel (this is what Jupyter does)
"""


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ('-h', '--help'):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    if argv[0] == 'install':
        user, prefix, names = False, None, []
        rest = argv[1:]
        i = 0
        while i < len(rest):
            a = rest[i]
            if a == '--user':
                user = True
            elif a == '--sys-prefix':
                prefix = sys.prefix
            elif a == '--prefix' and i + 1 < len(rest):
                prefix = rest[i + 1]
                i += 1
            elif a == '--name' and i + 1 < len(rest):
                names.append(rest[i + 1])
                i += 1
            else:
                sys.stderr.write('unexpected argument %s\n%s' % (a, USAGE))
                return 2
            i += 1
        from .install import install
        try:
            for d in install(user=user, prefix=prefix, names=names or None):
                sys.stdout.write('Installed kernelspec in %s\n' % d)
        except (RuntimeError, OSError) as e:
            sys.stderr.write('luatorch.kernel: %s\n' % e)
            return 1
        return 0
    try:
        from .kernel import launch
    except ImportError as e:
        sys.stderr.write("luatorch.kernel: the Jupyter kernel needs ipykernel (%s); "
                         "pip install 'luatorch[jupyter]'\n" % e)
        return 1
    launch(argv)
    return 0


if __name__ == '__main__':
    from ..reexec import reexec
    reexec()        # (glibc's memcpy tunable: see luatorch/reexec.py)
    sys.exit(main())
