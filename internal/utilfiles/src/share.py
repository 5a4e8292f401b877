# The copies of this runtime in one process (an application's and each
# library's, instrumented apart) share one context, so that a library's
# spans nest in the application's, and one exporter: the copy that needs a
# context first keeps its own and every later copy hands the calls of its
# instrumented code to the first one's functions, found once through
# sys.modules by this tuple: the version of those functions' contract,
# then the functions in the order of __all__.
_TI_CONTEXT = (1, __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__)  # pragma: no cover
# The first copy's _TI_CONTEXT, when this copy hands its calls to it.
_HOST = None  # pragma: no cover
# Set once this copy has looked for a first copy: it is the first itself
# when _HOST stays None.
_LINKED = False  # pragma: no cover


def _link():  # pragma: no cover
    """Looks once for the first copy, and returns True when this copy now
    hands its calls to it. Only exact modules are looked into, and only
    their dicts read: nothing of the program's runs. The import lock makes
    the look and the claim to be the first one step for every thread."""
    global _HOST, _LINKED
    imp = _modules.get("_imp")
    try:
        if imp is not None:
            imp.acquire_lock()
        try:
            if not _LINKED:
                _LINKED = True
                module = type(_sys)
                for m in list(_modules.values()):
                    if type(m) is not module:
                        continue
                    d = m.__dict__
                    api = d.get("_TI_CONTEXT")
                    if (api is not _TI_CONTEXT and type(api) is tuple and len(api) == 7 and type(api[0]) is int and api[0] == 1
                            and d.get("_LINKED") is True and d.get("_HOST") is None):
                        _HOST = api
                        break
        finally:
            if imp is not None:
                imp.release_lock()
    except Exception:
        _STATS["errors"] += 1
    return _HOST is not None
