"""Writers of argmap's outputs: the build files (``files``) and one module per export format."""
