# Run under coverage with --source=pkg, it imports nothing: every module of
# pkg is reported as never executed, the runtime among them.
