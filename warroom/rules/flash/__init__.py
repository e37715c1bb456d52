"""Flash-sale (秒单) rules: the stock countdown per SKU and stopping its ads before it sells out."""
