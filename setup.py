"""Build the optional compiled hot path of pcap discovery; the rest is configured in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "plantarch.discovery.pcap._packets",
            sources=["src/plantarch/discovery/pcap/_packets.c"],
            optional=True,  # without a compiler the numpy/pure-Python twins are used
            extra_compile_args=["-O2", "-ffp-contract=off"],
        )
    ]
)
