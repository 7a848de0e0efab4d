// How many facts each paragraph of the article gave.
MATCH ()-[r]->()
WHERE r.source = 'kommersant-7534002'
RETURN r.locator AS paragraph, count(*) AS facts
ORDER BY toInteger(substring(paragraph, 5));
