"""Build the optional compiled pcap record walk; everything else is configured in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "plantarch.discovery.pcap._walk",
            sources=["src/plantarch/discovery/pcap/_walk.c"],
            optional=True,  # without a compiler the pure-Python walk in reader.py is used
            extra_compile_args=["-O2"],
        )
    ]
)
