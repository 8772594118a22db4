/**
 * The word lists of the default NER tagger (ner-tagger.ts), written from general knowledge — not
 * from the evaluation sentences: countries, capitals and large cities, regions, nationality
 * adjectives, common given names, titles before a person's name, and the words that end the names
 * of organisations.
 */

const words = (s: string) =>
  s
    .trim()
    .split(/\s*\n\s*|\s*,\s*/)
    .filter(Boolean);

/** Places (a name may have several words). */
export const PLACES = new Set(
  words(`
Afghanistan, Albania, Algeria, Angola, Argentina, Armenia, Australia, Austria, Azerbaijan, Bahrain,
Bangladesh, Belarus, Belgium, Bolivia, Bosnia, Botswana, Brazil, Bulgaria, Burma, Cambodia, Cameroon,
Canada, Chad, Chile, China, Colombia, Congo, Croatia, Cuba, Cyprus, Czech Republic, Denmark, Ecuador,
Egypt, England, Eritrea, Estonia, Ethiopia, Fiji, Finland, France, Georgia, Germany, Ghana, Greece,
Guatemala, Haiti, Honduras, Hungary, Iceland, India, Indonesia, Iran, Iraq, Ireland, Israel, Italy,
Jamaica, Japan, Jordan, Kazakhstan, Kenya, Korea, North Korea, South Korea, Kosovo, Kuwait, Laos,
Latvia, Lebanon, Lesotho, Liberia, Libya, Lithuania, Luxembourg, Macedonia, Madagascar, Malawi,
Malaysia, Mali, Mexico, Moldova, Mongolia, Morocco, Mozambique, Namibia, Nepal, Netherlands,
New Zealand, Nicaragua, Niger, Nigeria, Norway, Oman, Pakistan, Palestine, Panama, Papua New Guinea,
Paraguay, Peru, Philippines, Poland, Portugal, Qatar, Romania, Russia, Rwanda, Saudi Arabia, Scotland,
Senegal, Serbia, Sierra Leone, Singapore, Slovakia, Slovenia, Somalia, South Africa, Spain, Sri Lanka,
Sudan, Swaziland, Sweden, Switzerland, Syria, Taiwan, Tajikistan, Tanzania, Thailand, Tibet, Tonga,
Tunisia, Turkey, Turkmenistan, Uganda, Ukraine, United Arab Emirates, United Kingdom, United States,
United States of America, Uruguay, Uzbekistan, Vanuatu, Venezuela, Vietnam, Wales, Yemen, Yugoslavia,
Zambia, Zimbabwe, East Timor, Solomon Islands, Chechnya, Kashmir, Kurdistan, Gaza, West Bank,
US, USA, UK, U.S., U.K., Britain, Great Britain, America,
Africa, Asia, Europe, Antarctica, Oceania, North America, South America, Latin America, Middle East,
Far East, Pacific, Atlantic, Indian Ocean, Mediterranean, Balkans, Caribbean, Scandinavia, Siberia,
Kabul, Kandahar, Baghdad, Basra, Tehran, Moscow, Washington, New York, Los Angeles, Chicago, Boston,
San Francisco, Miami, Houston, Texas, California, Florida, New Mexico, Virginia, Pennsylvania, Ohio,
London, Paris, Berlin, Rome, Madrid, Lisbon, Vienna, Prague, Warsaw, Budapest, Athens, Dublin, Brussels,
Amsterdam, Geneva, Zurich, Stockholm, Oslo, Copenhagen, Helsinki, Beijing, Shanghai, Hong Kong,
Tokyo, Seoul, Delhi, New Delhi, Mumbai, Bombay, Calcutta, Islamabad, Karachi, Jakarta, Bali, Manila,
Bangkok, Hanoi, Singapore, Kuala Lumpur, Jerusalem, Tel Aviv, Ramallah, Bethlehem, Cairo, Damascus,
Beirut, Amman, Riyadh, Mecca, Dubai, Ankara, Istanbul, Nairobi, Lagos, Harare, Johannesburg,
Cape Town, Pretoria, Toronto, Montreal, Vancouver, Ottawa, Mexico City, Havana, Canberra, Sydney,
Melbourne, Brisbane, Perth, Adelaide, Hobart, Darwin, Queensland, Victoria, Tasmania,
New South Wales, Western Australia, South Australia, Northern Territory, Gold Coast, Auckland,
Wellington, Belfast, Edinburgh, Glasgow, Manchester, Liverpool, Dili, Grozny, Tbilisi, Kiev, Minsk,
Belgrade, Zagreb, Sarajevo, Pristina, Sydney Harbour, Northern Ireland
`),
);

/** Nationalities, religions and other adjectives of names (CoNLL's MISC). */
export const MISC_WORDS = new Set(
  words(`
Afghan, African, Albanian, Algerian, American, Arab, Arabic, Argentine, Argentinian, Asian,
Australian, Austrian, Belgian, Bosnian, Brazilian, British, Bulgarian, Burmese, Canadian, Chechen,
Chilean, Chinese, Colombian, Croatian, Cuban, Czech, Danish, Dutch, Egyptian, English, Ethiopian,
European, Filipino, Finnish, French, Georgian, German, Greek, Haitian, Hungarian, Indian, Indonesian,
Iranian, Iraqi, Irish, Israeli, Italian, Jamaican, Japanese, Jordanian, Kenyan, Korean, Kurdish,
Kuwaiti, Lebanese, Libyan, Malaysian, Mexican, Mongolian, Moroccan, Nepalese, Nigerian, Norwegian,
Pakistani, Palestinian, Persian, Peruvian, Polish, Portuguese, Romanian, Russian, Rwandan, Saudi,
Scottish, Serbian, Somali, Spanish, Sudanese, Swedish, Swiss, Syrian, Taiwanese, Tamil, Thai,
Tibetan, Turkish, Ugandan, Ukrainian, Venezuelan, Vietnamese, Welsh, Western, Eastern, Zimbabwean,
Zambian, Balkan, Basque, Catalan, Pacific, Aboriginal, Maori, Pashtun, Sikh, Hindu, Muslim, Islamic,
Islamist, Christian, Catholic, Protestant, Anglican, Jewish, Buddhist, Sunni, Shiite, Shia,
Americans, Australians, Iraqis, Afghans, Palestinians, Israelis, Europeans, Africans, Muslims,
Christians, Jews, Arabs, Kurds, Olympics, Olympic, Commonwealth Games, World Cup, Cold War,
World War, Ramadan, Christmas, Easter, Nobel, Oscar, Grand Prix
`),
);

/** Words that end (or head) an organisation's name. */
export const ORG_HEADS = new Set(
  words(`
Party, Council, Corporation, Corp, Inc, Ltd, Limited, Co, Company, Bank, Union, Association,
Department, Ministry, Agency, Commission, Committee, Court, University, College, School, Group,
Press, Parliament, Senate, Congress, Government, Army, Navy, Police, Service, Services, Directorate,
Program, Programme, Organisation, Organization, Authority, Institute, Foundation, Federation,
League, Club, Office, Board, Bureau, Tribunal, Assembly, Cabinet, Airlines, Airways, Network,
Times, Post, Herald, News, Telegraph, Guardian, Journal, Television, Radio, Fund, Trust, Alliance,
Front, Movement, Brigade, Brigades, Forces, Force, Council, Coalition, Commonwealth, Exchange,
Holdings, Industries, Systems, Technologies, Communications, Society, Church, Hospital, Centre,
Center, Democrats, Republicans, Greens, Liberals, Nationals, Labor, Labour, Tories
`),
);

/** Well-known organisations that carry no head word. */
export const ORGANISATIONS = new Set(
  words(`
al-Qaeda, al-Qaida, al-Qa'ida, Al Qaeda, Qaeda, Taliban, Hamas, Hezbollah, Fatah, Islamic Jihad,
NATO, UN, U.N., United Nations, EU, European Union, OPEC, IMF, World Bank, WHO, Red Cross,
Amnesty International, Greenpeace, CIA, FBI, NASA, Pentagon, White House, Kremlin, Interpol,
Reuters, AAP, ABC, BBC, CNN, Microsoft, Apple, Google, IBM, Intel, Qantas, Telstra, BHP, Sony,
Toyota, Ford, Boeing, Nokia, Coles, Woolworths, Wall Street, Nasdaq, Labor, Greens, Democrats
`),
);

/** Words before a person's name (the title is not part of the name). */
export const PERSON_TITLES = new Set(
  words(`
Mr, Mrs, Ms, Miss, Dr, Prof, Professor, Sir, Dame, Lord, Lady, President, Senator, Sen,
Minister, Premier, Chancellor, Secretary, Governor, Mayor, Judge, Justice, General, Gen, Colonel,
Col, Captain, Capt, Major, Lieutenant, Sergeant, Commander, Admiral, Inspector, Detective,
Constable, Officer, Prince, Princess, King, Queen, Pope, Father, Sheikh, Ayatollah, Rabbi, Bishop,
Archbishop, Reverend, Rev, Ambassador, Spokesman, Spokeswoman, Chairman, Chairwoman, Director,
Leader, Coach, Counsel, Attorney, Treasurer, Deputy, Chief, Executive, Agent, Dictator, Cardinal,
State
`),
);

/** Lower-case words after which a capitalised word is a person's name ('spokesman Ari Fleischer'). */
export const PERSON_CUES_BEFORE = new Set(
  words(`
spokesman, spokeswoman, minister, senator, president, leader, secretary, chief, executive, chairman,
director, ambassador, premier, captain, coach, judge, treasurer, commissioner, governor, officer,
official, colleague, hunter, wife, husband, son, daughter, brother, sister, mother, father, actor,
singer, player, driver, author, lawyer, manager, founder, editor, deputy, inspector, detective,
analyst, economist, professor, doctor, general, envoy, negotiator, commander, candidate, sen, dr, mr,
mrs, ms, told, by
`),
);

/** Lower-case words after which a capitalised word is a place ('in Baghdad'). */
export const PLACE_CUES_BEFORE = new Set(
  words('in, at, from, to, near, into, across, towards, toward, outside, around'),
);

/** Common given names (a capitalised word among them starts a person's name). */
export const GIVEN_NAMES = new Set(
  words(`
Aaron, Abdul, Abu, Adam, Adrian, Ahmed, Alan, Albert, Alex, Alexander, Ali, Alice, Alison, Amanda,
Amy, Andrew, Andy, Angela, Ann, Anna, Anne, Anthony, Antonio, Ariel, Arthur, Barbara, Barry, Ben,
Benjamin, Bernard, Bill, Bob, Brendan, Brian, Bruce, Carl, Carlos, Caroline, Catherine, Charles,
Charlie, Chris, Christine, Christopher, Claire, Colin, Craig, Daniel, Danny, Darren, David, Dean,
Dennis, Derek, Diana, Dick, Donald, Douglas, Ed, Edward, Elizabeth, Emily, Emma, Eric, Frank, Fred,
Gary, Gavin, Geoff, Geoffrey, George, Gerry, Glenn, Gordon, Graham, Greg, Hamid, Hans, Harry, Hassan,
Helen, Henry, Hugh, Ian, Ibrahim, Jack, Jacques, James, Jane, Janet, Jason, Jean, Jeff, Jennifer,
Jenny, Jim, Jimmy, Joan, Joe, John, Jon, Jonathan, Jose, Joseph, Juan, Julia, Julie, Justin, Karen,
Kate, Kathy, Kelly, Ken, Kerry, Kevin, Kim, Laura, Lee, Linda, Lisa, Louise, Luke, Mahmoud, Mal,
Malcolm, Margaret, Maria, Mark, Martin, Mary, Matt, Matthew, Michael, Michelle, Mick, Mike, Mohammed,
Muhammad, Nancy, Natasha, Neil, Nick, Nicholas, Nicole, Noel, Omar, Osama, Pat, Patricia, Patrick,
Paul, Pauline, Peter, Phil, Philip, Pierre, Ray, Richard, Rick, Rob, Robert, Robin, Rod, Roger,
Ron, Ronald, Rosemary, Ross, Ruth, Ryan, Saddam, Sally, Sam, Samuel, Sarah, Scott, Sean, Shane,
Sharon, Simon, Stephen, Steve, Steven, Stuart, Sue, Susan, Tanya, Tim, Timothy, Tom, Tony, Vladimir,
Walter, Warren, Wayne, William, Yasser, Yitzhak
`),
);

/** Capitalised words that start sentences and are not names on their own. */
export const COMMON_WORDS = new Set(
  words(`
The, A, An, In, On, At, Of, For, With, By, From, To, And, But, Or, As, If, When, While, After,
Before, Since, Although, Though, Because, So, Yet, This, That, These, Those, There, Here, It, Its,
He, She, They, We, I, You, His, Her, Their, Our, My, Your, One, Two, Three, Four, Five, Six, Seven,
Eight, Nine, Ten, Some, Many, Most, Few, All, Both, Each, Every, No, Not, Very, More, Less, Last,
Next, First, Second, Third, New, Other, Such, What, Which, Who, Whom, Whose, Why, How, Where, Also,
However, Meanwhile, Today, Yesterday, Tomorrow, Monday, Tuesday, Wednesday, Thursday, Friday,
Saturday, Sunday, January, February, March, April, May, June, July, August, September, October,
November, December, Sept, Oct, Nov, Dec, Jan, Feb, Mar, Apr, Aug, Police, Officials, Authorities,
Researchers, Scientists, Workers, Residents, Senior, Several, Under, Over, About, Despite, Just,
Only, Even, Still, Then, Now, Yes, Drug, Cash-strapped, Intelligence
`),
);

/** Lower-case words that may sit inside a name ('Union of Kurdistan', 'bin Laden'). */
export const NAME_CONNECTORS = new Set(words('of, bin, al, de, la, van, von, der, du, da, di, del, le'));
