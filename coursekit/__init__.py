"""coursekit: the code behind *Training Neural Networks*.

The math lives in ``optim``, ``schedules``, ``backprop``, ``nn``, ``data``,
``landscapes`` and ``train`` (numpy only); ``plots`` and ``widgets`` draw it.
"""

__version__ = "0.1.0"
