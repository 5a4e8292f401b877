# first comment
# vim: set fileencoding=utf-8 :

def main(args):
    return args
