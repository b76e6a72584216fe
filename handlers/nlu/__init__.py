"""Understanding what members write: normalisation, the jieba intent router, slots."""
