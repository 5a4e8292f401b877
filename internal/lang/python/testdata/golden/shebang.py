#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Script with a shebang and an encoding line."""


def main(args):
    n = len(args)
    return n


for arg in ["a"]:
    main(arg)
