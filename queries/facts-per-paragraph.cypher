// How many facts each paragraph of the article gave; a fact that cites
// several paragraphs ("para 2, para 3") counts for each of them.
MATCH ()-[r]->()
WHERE r.source = 'kommersant-7534002'
UNWIND split(r.locator, ', ') AS paragraph
RETURN paragraph, count(*) AS facts
ORDER BY toInteger(substring(paragraph, 5));
