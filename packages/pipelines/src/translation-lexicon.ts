/**
 * The English–French lexicon and phrase table of the translation default (lexicon-translator.ts),
 * written by hand as data.
 *
 * Where its words come from (a test checks it): every noun, adjective and verb is one of the 700
 * most frequent words of the Wikipedia text8-style corpus (eval/translation-vocabulary-top700.txt,
 * a form of it: 'children' for 'child', 'wrote' for 'write') or a word of the evaluation set's DEV
 * half; the closed classes (pronouns, determiners, prepositions, conjunctions, auxiliaries,
 * numbers, a few adverbs) are grammar and listed whole. No word or phrase was added for the
 * held-out half.
 *
 * Lines (fields split by spaces, `_` a space inside a field):
 *   n  english french m|f [pl=french plural] [enpl=english plural]
 *   a  english french-m [f=…] [mpl=…] [fpl=…] [pre] [v=form before a vowel]   (pre: before the noun)
 *   v  english french-infinitive [pres=je,tu,il,nous,vous,ils] [pp=participle] [imp=imperfect stem]
 *      [past=english past] [en_pp=english participle] [ing=english -ing] [drop=particle it absorbs]
 *   w  english french          (invariable: adverbs, prepositions, conjunctions, numbers)
 *   p  english words = french words   (phrases, matched longest first)
 */
export const LEXICON = `
# --- verbs (irregular French present tenses written out) ---
v be être pres=suis,es,est,sommes,êtes,sont pp=été imp=ét past=was en_pp=been
v have avoir pres=ai,as,a,avons,avez,ont pp=eu imp=av past=had
v go aller pres=vais,vas,va,allons,allez,vont pp=allé past=went en_pp=gone
v do faire pres=fais,fais,fait,faisons,faites,font pp=fait imp=fais past=did en_pp=done
v make faire pres=fais,fais,fait,faisons,faites,font pp=fait imp=fais past=made
v can pouvoir pres=peux,peux,peut,pouvons,pouvez,peuvent pp=pu imp=pouv past=could
v want vouloir pres=veux,veux,veut,voulons,voulez,veulent pp=voulu imp=voul
v know connaître pres=connais,connais,connaît,connaissons,connaissez,connaissent pp=connu imp=connaiss past=knew en_pp=known
v see voir pres=vois,vois,voit,voyons,voyez,voient pp=vu imp=voy past=saw en_pp=seen
v take prendre pres=prends,prends,prend,prenons,prenez,prennent pp=pris imp=pren past=took en_pp=taken
v give donner past=gave en_pp=given
v come venir pres=viens,viens,vient,venons,venez,viennent pp=venu imp=ven past=came en_pp=come
v write écrire pres=écris,écris,écrit,écrivons,écrivez,écrivent pp=écrit imp=écriv past=wrote en_pp=written
v read lire pres=lis,lis,lit,lisons,lisez,lisent pp=lu imp=lis past=read en_pp=read
v understand comprendre pres=comprends,comprends,comprend,comprenons,comprenez,comprennent pp=compris imp=compren past=understood en_pp=understood
v learn apprendre pres=apprends,apprends,apprend,apprenons,apprenez,apprennent pp=appris imp=appren
v say dire pres=dis,dis,dit,disons,dites,disent pp=dit imp=dis past=said en_pp=said
v become devenir pres=deviens,deviens,devient,devenons,devenez,deviennent pp=devenu imp=deven past=became en_pp=become
v hold tenir pres=tiens,tiens,tient,tenons,tenez,tiennent pp=tenu imp=ten past=held en_pp=held
v lead mener pres=mène,mènes,mène,menons,menez,mènent past=led en_pp=led
v lose perdre past=lost en_pp=lost
v win gagner past=won en_pp=won
v build construire pres=construis,construis,construit,construisons,construisez,construisent pp=construit imp=construis past=built en_pp=built
v begin commencer pres=commence,commences,commence,commençons,commencez,commencent imp=commenç past=began en_pp=begun
v find trouver past=found en_pp=found
v think penser past=thought en_pp=thought
v bring apporter past=brought en_pp=brought
v send envoyer pres=envoie,envoies,envoie,envoyons,envoyez,envoient past=sent en_pp=sent
v leave partir pres=pars,pars,part,partons,partez,partent pp=parti imp=part past=left en_pp=left
v run courir pres=cours,cours,court,courons,courez,courent pp=couru imp=cour past=ran en_pp=run ing=running
v die mourir pres=meurs,meurs,meurt,mourons,mourez,meurent pp=mort imp=mour ing=dying
v live habiter
v work travailler
v play jouer
v use utiliser
v call appeler pres=appelle,appelles,appelle,appelons,appelez,appellent
v name nommer
v include inclure pres=inclus,inclus,inclut,incluons,incluez,incluent pp=inclus imp=inclu
v support soutenir pres=soutiens,soutiens,soutient,soutenons,soutenez,soutiennent pp=soutenu imp=souten
v develop développer
v produce produire pres=produis,produis,produit,produisons,produisez,produisent pp=produit imp=produis
v continue continuer
v create créer
v study étudier
v receive recevoir pres=reçois,reçois,reçoit,recevons,recevez,reçoivent pp=reçu imp=recev
v follow suivre pres=suis,suis,suit,suivons,suivez,suivent pp=suivi imp=suiv
v change changer
v believe croire pres=crois,crois,croit,croyons,croyez,croient pp=cru imp=croy
v move bouger
v allow permettre pres=permets,permets,permet,permettons,permettez,permettent pp=permis imp=permett
v return revenir pres=reviens,reviens,revient,revenons,revenez,reviennent pp=revenu imp=reven
v start commencer pres=commence,commences,commence,commençons,commencez,commencent imp=commenç
v provide fournir
v cause causer
v help aider
v increase augmenter
v add ajouter
v serve servir pres=sers,sers,sert,servons,servez,servent pp=servi imp=serv
v announce annoncer pres=annonce,annonces,annonce,annonçons,annoncez,annoncent imp=annonç
v test tester
v like aimer
v love adorer
v hate détester
v eat manger
v wait attendre drop=for
v show montrer
v design concevoir pres=conçois,conçois,conçoit,concevons,concevez,conçoivent pp=conçu imp=concev
v control contrôler
v record enregistrer
v release sortir pres=sors,sors,sort,sortons,sortez,sortent pp=sorti imp=sort

# --- nouns ---
n world monde m
n city ville f enpl=cities
n century siècle m enpl=centuries
n war guerre f
n state état m
n year an m
n system système m
n time temps m pl=temps
n name nom m
n life vie f enpl=lives
n form forme f
n government gouvernement m
n language langue f
n king roi m
n god dieu m pl=dieux
n water eau f pl=eaux
n population population f
n game jeu m pl=jeux
n order ordre m
n power pouvoir m
n music musique f
n family famille f enpl=families
n university université f enpl=universities
n team équipe f
n line ligne f
n way chemin m
n school école f
n art art m
n party fête f enpl=parties
n sea mer f
n land terre f
n body corps m pl=corps enpl=bodies
n law loi f
n court tribunal m pl=tribunaux
n house maison f
n home maison f
n service service m
n man homme m enpl=men
n woman femme f enpl=women
n child enfant m enpl=children
n company entreprise f enpl=companies
n battle bataille f
n son fils m pl=fils
n country pays m pl=pays enpl=countries
n word mot m
n field champ m
n river rivière f
n father père m
n side côté m
n group groupe m
n earth terre f
n research recherche f
n process processus m pl=processus enpl=processes
n light lumière f
n computer ordinateur m
n space espace m
n show spectacle m
n position position f
n role rôle m
n style style m
n study étude f enpl=studies
n level niveau m pl=niveaux
n class classe f enpl=classes
n head tête f
n program programme m
n player joueur m
n energy énergie f enpl=energies
n town ville f
n number nombre m
n book livre m
n food nourriture f
n fire feu m pl=feux
n hand main f
n community communauté f enpl=communities
n building bâtiment m
n education éducation f
n album album m
n star étoile f
n culture culture f
n information information f
n size taille f
n effect effet m
n member membre m
n movement mouvement m
n title titre m
n character personnage m
n science science f
n society société f enpl=societies
n industry industrie f enpl=industries
n model modèle m
n club club m
n value valeur f
n health santé f
n nature nature f
n market marché m
n flight vol m
n fact fait m
n person personne f
n mother mère f
n story histoire f enpl=stories
n business affaire f
n event événement m
n view vue f
n type type m
n problem problème m
n rule règle f
n ground sol m
n brother frère m
n technology technologie f enpl=technologies
n interest intérêt m
n band groupe m
n result résultat m
n song chanson f
n park parc m
n point point m
n area région f
n end fin f
n history histoire f enpl=histories
n church église f enpl=churches
n film film m
n death mort f
n place endroit m
n day jour m
n week semaine f
n car voiture f
n cat chat m
n dog chien m
n course cours m pl=cours
n garden jardin m
n beach plage f enpl=beaches
n hospital hôpital m pl=hôpitaux
n idea idée f
n question question f
n restaurant restaurant m
n sister sœur f
n station gare f
n student étudiant m
n table table f
n weather temps m pl=temps
n help aide f
n english anglais m pl=anglais
n french français m pl=français
n germany allemagne f
n france france f

# --- adjectives ---
a new nouveau f=nouvelle mpl=nouveaux pre v=nouvel
a first premier f=première pre
a other autre pre
a high haut f=haute pre
a national national mpl=nationaux
a big grand pre
a large grand pre
a small petit pre
a little petit pre
a great grand pre
a good bon f=bonne pre
a old vieux f=vieille mpl=vieux pre v=vieil
a young jeune pre
a important important
a black noir
a white blanc f=blanche
a red rouge
a public public f=publique
a main principal mpl=principaux
a human humain
a political politique
a popular populaire
a local local mpl=locaux
a original original mpl=originaux
a free libre
a low bas f=basse mpl=bas
a natural naturel f=naturelle
a short court
a strong fort
a full plein
a open ouvert
a special spécial mpl=spéciaux
a basic simple
a famous célèbre
a independent indépendant
a physical physique
a different différent
a same même pre
a long long f=longue pre
a modern moderne
a early premier f=première pre
a late tard f=tard mpl=tard fpl=tard
a common commun
a major majeur
a general général mpl=généraux
a military militaire
a single seul pre
a western occidental mpl=occidentaux
a southern méridional mpl=méridionaux
a northern septentrional mpl=septentrionaux
a eastern oriental mpl=orientaux
a central central mpl=centraux
a ancient ancien f=ancienne
a possible possible
a social social mpl=sociaux
a economic économique
a final final
a current actuel f=actuelle
a certain certain
a religious religieux f=religieuse mpl=religieux
a particular particulier f=particulière
a official officiel f=officielle
a foreign étranger f=étrangère
a personal personnel f=personnelle
a recent récent
a future futur
a amazing incroyable
a beautiful beau f=belle mpl=beaux pre v=bel
a nice beau f=belle mpl=beaux pre v=bel
a boring ennuyeux f=ennuyeuse mpl=ennuyeux
a cold froid
a expensive cher f=chère
a fast rapide
a happy content
a sad triste
a true vrai
a whole entier f=entière
a english anglais mpl=anglais
a french français mpl=français
a american américain
a german allemand
a british britannique

# --- closed classes: grammar ---
w and et
w or ou
w but mais
w because parce_que
w if si
w that que
w when quand
w where où
w while pendant_que
w however cependant
w also aussi
w very très
w too trop
w so si
w now maintenant
w today aujourd'hui
w tomorrow demain
w then puis
w often souvent
w never jamais
w always toujours
w only seulement
w still encore
w again encore
w here ici
w there là
w well bien
w much beaucoup
w many beaucoup
w more plus
w most plus
w later plus_tard
w together ensemble
w every chaque
w each chaque
w in dans
w on sur
w to à
w at à
w of de
w from de
w with avec
w for pour
w by par
w about sur
w without sans
w under sous
w between entre
w after après
w before avant
w during pendant
w against contre
w like comme
w into dans
w through par
w one un
w two deux
w three trois
w four quatre
w five cinq
w six six
w seven sept
w eight huit
w nine neuf
w ten dix
w yes oui
w no non
w not pas

# --- phrases (longest first) ---
p thank you = merci
p thank you very much = merci beaucoup
p thanks = merci
p very much = beaucoup
p so much = tellement
p the weather is nice = il fait beau
p the weather is good = il fait beau
p the weather is bad = il fait mauvais
p my whole life = toute ma vie
p a lot = beaucoup
p of course = bien_sûr
p good morning = bonjour
p good night = bonne_nuit
p i am sorry = je suis désolé
`;
