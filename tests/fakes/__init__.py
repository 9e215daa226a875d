"""Fakes of every outside service, each speaking the real protocol on 127.0.0.1."""
