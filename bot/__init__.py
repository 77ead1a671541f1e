"""劳务品牌政策助手: answers questions about 泸定县 and 泸州市 labour-brand measures."""

__version__ = "0.1.0"
